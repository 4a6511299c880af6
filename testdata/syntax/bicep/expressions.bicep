var ops = !a && b || c ?? d == e ? -f * 2 + g % 3 : h[0].?i[?'j'][^1]!
var lambda = map(items, (x, i) => { value: x, index: i })
var call = sys.concat('a\n', 'it\'s ${x}')
var multi = '''
raw ${not interpolated}
'''
var interp = $'''a ${b} c'''
var spread = { ...base, extra: [...list, 1] }
var ternary = cond
  ? 'yes'
  : 'no'
