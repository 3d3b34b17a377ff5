# tricky but valid Python 2 literal config
wpath = "/var/www/"   # comment
rpath = '/srv/' 'mirror/'
rnodes = [
	"a.mirror.com:" + rpath,
	u"b\u00e9:" + rpath,   # unicode
	r'c:\raw\n' + "\x41\101\t\\",
	"""multi
line""" + '''x'y"z''',
	'it\'s', "q\"q", 'unknown\q escape',
	"cont\
inued",
]
emask = {'IN_CREATE': "/bin/true", "IN_DELETE" : '/bin/echo',}
t = (1, -2, 0x1F, 0755, 10L, 1.5e3, .5, True, False, None,)
one = (7)
empty = []
nested = {"k": [1, (2, 3), {"x": None}]}
a = 1; b = 'two'
