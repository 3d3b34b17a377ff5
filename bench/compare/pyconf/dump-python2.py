import sys
# Prints what Python 2 makes of a config file (as inosync loaded it), one line per name, strings as hex.
g = {}
execfile(sys.argv[1], g)
def d(v):
    if isinstance(v, bool): return 'b:' + str(v)
    if v is None: return 'None'
    if isinstance(v, unicode): v = v.encode('utf-8')
    if isinstance(v, str): return 's:' + v.encode('hex')
    if isinstance(v, (int, long)): return 'i:%d' % v
    if isinstance(v, float): return 'f:%r' % v
    if isinstance(v, (list, tuple)): return '[' + ','.join(d(x) for x in v) + ']'
    if isinstance(v, dict): return '{' + ','.join(sorted(d(k) + '=' + d(x) for k, x in v.items())) + '}'
    return '?'
for k in sorted(g):
    if not k.startswith('__'): print k, d(g[k])
