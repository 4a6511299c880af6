//! The Bicep language as the evaluator computes it: lambda functions, user-defined functions,
//! imports, multi-line strings, the load functions, operators and spreads. Most examples are
//! taken from the compiler's own samples (`corpus/bicep-samples/baselines/Lambdas_LF`,
//! `Functions_LF`, `Imports_LF`) and from AVM; each is checked through a template's outputs.

mod common;

use pgguard::model::{Node, Value};
use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, scan};

/// Evaluates `main.bicep` among `files` and shows each output's value.
fn outputs(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    assert!(evaluated.errors.is_empty(), "{:#?}", evaluated.errors);
    evaluated.deployments.iter().flat_map(|d| &d.outputs).map(|o| (o.name.clone(), show(&o.value))).collect()
}

fn output(files: &[(&str, &str)], name: &str) -> String {
    let all = outputs(files);
    all.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("{name}: {all:#?}"))
}

/// A value as JSON would write it, with `?` (and its reason) for an unknown.
fn show(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::String(s) => format!("'{s}'"),
        Value::Array(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Object(members) => {
            format!("{{{}}}", members.iter().map(|(k, v)| format!("{k}: {}", show(v))).collect::<Vec<_>>().join(", "))
        }
        Value::Unknown(u) => format!("?({})", u.reason),
        other => format!("{other:?}"),
    }
}

fn main_only(text: &str) -> Vec<(&str, &str)> {
    vec![("main.bicep", text)]
}

#[test]
fn map_and_filter_take_an_index_parameter() {
    // Lambdas_LF: `sayHello2`, `evenEntries`.
    let main = "func isEven(i int) bool => i % 2 == 0
var doggos = ['Evie', 'Casper', 'Indy', 'Kira']
output sayHello2 array = map(doggos, (dog, i) => '${isEven(i) ? 'Hi' : 'Ahoy'} ${dog}!')
output evenEntries array = filter(['a', 'b', 'c', 'd'], (item, i) => isEven(i))
output nested array = map(filter(range(0, 4), i => contains(filter(range(0, 4), j => 0 == j % 2), i)), x => doggos[x])
";
    let files = main_only(main);
    assert_eq!(output(&files, "sayHello2"), "['Hi Evie!', 'Ahoy Casper!', 'Hi Indy!', 'Ahoy Kira!']");
    assert_eq!(output(&files, "evenEntries"), "['a', 'c']");
    assert_eq!(output(&files, "nested"), "['Evie', 'Indy']");
}

#[test]
fn reduce_folds_with_an_optional_index() {
    // Lambdas_LF: `reduceStringConcatEven`, `reduceFactorial`, `reduceObjectUnion`, `reduceEmpty`.
    let main = "func isEven(i int) bool => i % 2 == 0
output concatEven string = reduce(['abc', 'def', 'ghi'], '', (cur, next, i) => isEven(i) ? concat(cur, next) : cur)
output factorial int = reduce(range(1, 5), 1, (cur, next) => cur * next)
output objectUnion object = reduce([{ foo: 123 }, { bar: 456 }, { baz: 789 }], {}, (cur, next) => union(cur, next))
output empty int = reduce([], 0, (cur, next) => cur)
";
    let files = main_only(main);
    assert_eq!(output(&files, "concatEven"), "'abcghi'");
    assert_eq!(output(&files, "factorial"), "120");
    assert_eq!(output(&files, "objectUnion"), "{foo: 123, bar: 456, baz: 789}");
    assert_eq!(output(&files, "empty"), "0");
}

#[test]
fn sort_orders_by_the_lambda_and_refuses_to_guess_ties() {
    // Lambdas_LF: `sortNumeric`, `sortAlphaReverse`, `sortByObjectKey`.
    let main = "output numeric array = sort([8, 3, 10, -13, 5], (x, y) => x < y)
output alphaReverse array = sort(['ghi', 'abc', 'def'], (x, y) => x > y)
output byKey array = map(sort([
  { key: 124, name: 'Second' }
  { key: 298, name: 'Third' }
  { key: 24, name: 'First' }
  { key: 1232, name: 'Fourth' }
], (x, y) => int(x.key) < int(y.key)), x => x.name)
output equalValues array = sort([2, 1, 2], (x, y) => x < y)
output tie array = sort([{ k: 1, n: 'a' }, { k: 1, n: 'b' }], (x, y) => x.k < y.k)
output inconsistent array = sort([1, 2], (x, y) => true)
";
    let files = main_only(main);
    assert_eq!(output(&files, "numeric"), "[-13, 3, 5, 8, 10]");
    assert_eq!(output(&files, "alphaReverse"), "['ghi', 'def', 'abc']");
    assert_eq!(output(&files, "byKey"), "['First', 'Second', 'Third', 'Fourth']");
    assert_eq!(output(&files, "equalValues"), "[1, 2, 2]");
    // Two different elements ranked equal: ARM defines no order between them.
    assert!(output(&files, "tie").contains("ranks an object and an object equal"), "{}", output(&files, "tie"));
    assert!(output(&files, "inconsistent").contains("each before the other"));
}

#[test]
fn to_object_builds_keys_and_values_and_rejects_duplicate_keys() {
    // Lambdas_LF: `objectMap`, `objectMap2`, `objectMap3`.
    let main = "output objectMap object = toObject([123, 456, 789], i => '${i / 100}')
output objectMap2 object = toObject(range(0, 3), i => '${i}', i => {
  isEven: (i % 2) == 0
  isGreaterThan1: (i > 1)
})
output byName object = toObject([{ name: 'a', v: 1 }, { name: 'b', v: 2 }], x => x.name, x => x.v)
output duplicate object = toObject(['a', 'A'], x => x)
output notString object = toObject([1], x => x)
";
    let files = main_only(main);
    assert_eq!(output(&files, "objectMap"), "{1: 123, 4: 456, 7: 789}");
    assert_eq!(
        output(&files, "objectMap2"),
        "{0: {isEven: true, isGreaterThan1: false}, 1: {isEven: false, isGreaterThan1: false}, 2: {isEven: true, isGreaterThan1: true}}"
    );
    assert_eq!(output(&files, "byName"), "{a: 1, b: 2}");
    assert!(output(&files, "duplicate").starts_with("?(`toObject()` gives the key 'A' twice"));
    assert!(output(&files, "notString").contains("not a string"));
}

#[test]
fn group_by_map_values_and_shallow_merge() {
    // Lambdas_LF: `groupByTest`, `groupByWithValMapTest`, `mapVals`, `shallowMergeTest`.
    let main = "var items = [
  { type: 'a', value: 123 }
  { type: 'b', value: 456 }
  { type: 'a', value: 789 }
]
output grouped object = groupBy(items, arg => arg.type)
output groupedValues object = groupBy(items, arg => arg.type, arg => arg.value)
output mapVals object = mapValues({
  a: 123
  b: 456
}, val => val * 2)
output merged object = shallowMerge([{ a: 123 }, { b: 456 }, { a: { nested: true } }])
";
    let files = main_only(main);
    assert_eq!(
        output(&files, "grouped"),
        "{a: [{type: 'a', value: 123}, {type: 'a', value: 789}], b: [{type: 'b', value: 456}]}"
    );
    assert_eq!(output(&files, "groupedValues"), "{a: [123, 789], b: [456]}");
    assert_eq!(output(&files, "mapVals"), "{a: 246, b: 912}");
    assert_eq!(output(&files, "merged"), "{b: 456, a: {nested: true}}");
}

#[test]
fn lambda_functions_over_unknown_input_are_unknown_and_name_it() {
    let main = "param names array
param settings object
output mapped array = map(names, n => 'pg-${n}')
output sorted array = sort(names, (a, b) => a < b)
output keyed object = toObject(names, n => n)
output filtered array = filter(['x', 'y'], x => contains(names, x))
output values object = mapValues(settings, v => v)
output merged object = shallowMerge(names)
";
    let files = main_only(main);
    for name in ["mapped", "sorted", "keyed", "filtered"] {
        let value = output(&files, name);
        assert!(value.contains("parameter `names`"), "{name}: {value}");
    }
    assert!(output(&files, "values").contains("parameter `settings`"));
    assert!(output(&files, "merged").contains("parameter `names`"));
}

#[test]
fn nested_lambdas_stop_at_the_element_budget() {
    // 1000 × 1000 × 1000 applications would never finish; the budget makes the rest unknown.
    let main =
        "output cube array = map(range(0, 1000), i => map(range(0, 1000), j => length(map(range(0, 1000), k => k))))
";
    let started = std::time::Instant::now();
    let value = output(&main_only(main), "cube");
    assert!(value.contains("budget"), "{}", &value[..200.min(value.len())]);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

#[test]
fn user_defined_functions_are_called_with_their_parameters() {
    // Functions_LF: `buildUrl`, `sayHello` from a lambda, `fooTest` calling `barTest`.
    let main = "func buildUrl(https bool, hostname string, path string) string => '${https ? 'https' : 'http'}://${hostname}${empty(path) ? '' : '/${path}'}'
output foo string = buildUrl(true, 'google.com', 'search')
output bare string = buildUrl(false, 'example.org', '')
func sayHello(name string) string => 'Hi ${name}!'
output hellos array = map(['Evie', 'Casper'], name => sayHello(name))
func objReturnType(name string) object => {
  hello: 'Hi ${name}!'
}
output obj object = objReturnType('x')
func barTest() array => ['abc', 'def']
func fooTest() array => map(barTest(), a => 'Hello ${a}!')
output fooValue array = fooTest()
func concat(a string, b string) string => '${b}${a}'
output shadowed string = concat('a', 'b')
output builtin string = sys.concat('a', 'b')
";
    let files = main_only(main);
    assert_eq!(output(&files, "foo"), "'https://google.com/search'");
    assert_eq!(output(&files, "bare"), "'http://example.org'");
    assert_eq!(output(&files, "hellos"), "['Hi Evie!', 'Hi Casper!']");
    assert_eq!(output(&files, "obj"), "{hello: 'Hi x!'}");
    assert_eq!(output(&files, "fooValue"), "['Hello abc!', 'Hello def!']");
    assert_eq!(output(&files, "shadowed"), "'ba'", "a declared function hides the built-in");
    assert_eq!(output(&files, "builtin"), "'ab'", "`sys.` names the built-in");
}

#[test]
fn a_function_over_an_unknown_parameter_keeps_its_symbol() {
    // AVM ai-foundry `parseResourceIdFunctions.bicep`: parts of an id given as a parameter.
    let main = "param resourceId string
func getResourceParts(resourceId string?) string[] => split(resourceId ?? '', '/')
func getSubscriptionId(parts string[]) string => length(parts) > 2 ? parts[2] : subscription().subscriptionId
output parts array = getResourceParts('/subscriptions/sub-1/resourceGroups/rg')
output sub string = getSubscriptionId(getResourceParts('/subscriptions/sub-1/resourceGroups/rg'))
output unknownSub string = getSubscriptionId(getResourceParts(resourceId))
";
    let files = main_only(main);
    assert_eq!(output(&files, "parts"), "['', 'subscriptions', 'sub-1', 'resourceGroups', 'rg']");
    assert_eq!(output(&files, "sub"), "'sub-1'");
    assert!(output(&files, "unknownSub").contains("parameter `resourceId`"));
}

#[test]
fn a_function_that_calls_itself_is_unknown_not_a_hang() {
    let main = "func loop(n int) int => n == 0 ? 0 : loop(n - 1)
func ping(n int) int => pong(n)
func pong(n int) int => ping(n)
output looped int = loop(3)
output pinged int = ping(1)
output arity int = loop()
";
    let files = main_only(main);
    assert!(output(&files, "looped").contains("function `loop` calls itself"));
    assert!(output(&files, "pinged").contains("calls itself"));
    assert!(output(&files, "arity").contains("takes 1 arguments, not 0"));
}

const MOD: &str = "@export()
var foo = bar

var bar = baz

var baz = 'quux'

@export()
type fizz = buzz[]

type buzz = {
  property: pop?
}

@minLength(3)
@export()
type pop = string

func echo(input string) string => input

@export()
@description('Say hi to someone!')
func greet(name string) string => 'Hi, ${echo(name)}!'
";

const MOD2: &str = "@export()
var foo = 'bar'

@export()
type fizz = 'buzz'

@export()
func twice(s string) string => '${s}${s}'
";

#[test]
fn imported_variables_and_functions_are_evaluated_in_their_file() {
    // Imports_LF (the `.json` import left out): named, aliased and namespace imports.
    let main = "import {foo, fizz, pop, greet} from 'modules/mod.bicep'
import {foo as other, greet as hello} from 'modules/mod.bicep'
import * as mod2 from 'modules/mod2.bicep'

var aliasedFoo = foo
var aliasedBar = mod2.foo

param fizzParam mod2.fizz = 'buzz'
output aliasedFoo string = aliasedFoo
output aliasedBar string = aliasedBar
output other string = other
output greeting string = greet('friend')
output hello string = hello('you')
output twice string = mod2.twice('ab')
output namespace object = mod2
";
    let files = [("main.bicep", main), ("modules/mod.bicep", MOD), ("modules/mod2.bicep", MOD2)];
    assert_eq!(output(&files, "aliasedFoo"), "'quux'", "an exported variable reads the file's own variables");
    assert_eq!(output(&files, "aliasedBar"), "'bar'");
    assert_eq!(output(&files, "other"), "'quux'");
    assert_eq!(output(&files, "greeting"), "'Hi, friend!'", "an exported function calls the file's own");
    assert_eq!(output(&files, "hello"), "'Hi, you!'");
    assert_eq!(output(&files, "twice"), "'abab'");
    assert_eq!(output(&files, "namespace"), "{foo: 'bar'}");
}

#[test]
fn imports_that_cannot_be_evaluated_say_why() {
    let main = "import {missing} from 'gone.bicep'
import {notExported, echo} from 'lib.bicep'
import {avmType} from 'br/public:avm/utl/types/avm-common-types:0.6.1'
output missing string = missing
output notExported string = notExported
output echo string = echo('x')
";
    let lib = "var notExported = 'x'\nfunc echo(s string) string => s\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    std::fs::write(dir.path().join("lib.bicep"), lib).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    let deployment = &evaluated.deployments[0];
    let value = |name: &str| show(&deployment.outputs.iter().find(|o| o.name == name).expect("output").value);
    assert!(value("missing").contains("`gone.bicep` cannot be read"), "{}", value("missing"));
    assert!(value("notExported").contains("exports no variable `notExported`"));
    assert!(value("echo").contains("exports no function `echo`"));
    let problems: Vec<&String> = deployment.problems.iter().map(|(_, m)| m).collect();
    assert_eq!(problems, [&"import: cannot read `gone.bicep`".to_string()], "one problem naming the file");
    let (origin, _) = &deployment.problems[0];
    assert_eq!(evaluated.files[origin.file.0 as usize].line_col(origin.span.start).line, 1);
}

#[test]
fn an_import_cycle_is_unknown_not_a_hang() {
    let a = "import {b} from 'b.bicep'\n@export()\nvar a = b\noutput a string = a\n";
    let b = "import {a} from 'main.bicep'\n@export()\nvar b = a\n";
    let value = output(&[("main.bicep", a), ("b.bicep", b)], "a");
    assert!(value.contains("refers to itself"), "{value}");
}

#[test]
fn multi_line_strings_are_their_text() {
    // MultilineStrings_LF: the line break after the opening quotes is not part of the value,
    // nothing is escaped and `${` is text.
    let main = "output ml string = '''
hello
  'world' ${x}
'''
output one string = '''abc'''
";
    let files = main_only(main);
    assert_eq!(output(&files, "ml"), "'hello\n  'world' ${x}\n'");
    assert_eq!(output(&files, "one"), "'abc'");
}

#[test]
fn interpolated_multi_line_strings_use_their_marker() {
    // MultilineStrings_LF, checked against the compiled `main.json` beside it.
    let main = "var name = 'Anthony'
output multilineInterpolation string = $'''
Hello,
my
name is
${name}
'''
output complex string = $$$'''
${name}
$${name}
$$${name}
$$$${name}
'''
output empty string = $''''''
output interp4Multi string = $'''abc${123}${456}jk$l${789}p$'''
output doubleInterpMulti string = $'''abc${'def${123}'}_${'${456}${789}'}'''
output curliesInInterpMulti string = $'''{${123}{0}${true}}'''
";
    let files = main_only(main);
    assert_eq!(output(&files, "multilineInterpolation"), "'Hello,\nmy\nname is\nAnthony\n'");
    assert_eq!(output(&files, "complex"), "'${name}\n$${name}\nAnthony\n$Anthony\n'");
    assert_eq!(output(&files, "empty"), "''");
    assert_eq!(output(&files, "interp4Multi"), "'abc123456jk$l789p$'");
    assert_eq!(output(&files, "doubleInterpMulti"), "'abcdef123_456789'");
    // Interpolation compiles to `format()`, which writes a boolean as .NET does.
    assert_eq!(output(&files, "curliesInInterpMulti"), "'{123{0}True}'");
}

#[test]
fn load_functions_read_the_file_beside_the_template() {
    // The Bicep docs' loadJsonContent example: a network security rule kept in a JSON file.
    let rule = r#"{
  "description": "Allows SSH traffic",
  "protocol": "Tcp",
  "priority": 100,
  "ports": [22, 2222],
  "nested": { "a-b": { "c": true } }
}"#;
    let main = "output rule object = loadJsonContent('data/rule.json')
output description string = loadJsonContent('data/rule.json', '$.description')
output port int = loadJsonContent('data/rule.json', '.ports[1]')
output quoted bool = loadJsonContent('data/rule.json', '$.nested[\\'a-b\\'].c')
output yaml object = loadYamlContent('data/rule.json', '$.nested')
output text string = loadTextContent('data/hello.txt')
output latin string = sys.loadTextContent('data/latin.txt', 'iso-8859-1')
output base64 string = loadFileAsBase64('data/hello.txt')
";
    let files = [
        ("main.bicep", main),
        ("data/rule.json", rule),
        ("data/hello.txt", "\u{feff}hello\n"),
        ("data/latin.txt", "caf\u{e9}"),
    ];
    assert_eq!(
        output(&files, "rule"),
        "{description: 'Allows SSH traffic', protocol: 'Tcp', priority: 100, ports: [22, 2222], nested: {a-b: {c: true}}}"
    );
    assert_eq!(output(&files, "description"), "'Allows SSH traffic'");
    assert_eq!(output(&files, "port"), "2222");
    assert_eq!(output(&files, "quoted"), "true");
    assert_eq!(output(&files, "yaml"), "{a-b: {c: true}}", "JSON is YAML");
    assert_eq!(output(&files, "text"), "'hello\n'", "without the byte-order mark");
    // The file's UTF-8 bytes of `é` read as two ISO-8859-1 characters.
    assert_eq!(output(&files, "latin"), "'cafÃ©'");
    assert_eq!(output(&files, "base64"), "'77u/aGVsbG8K'");
}

#[test]
fn load_functions_name_what_they_cannot_read() {
    let main = "param p string
output missing string = loadTextContent('nope.txt')
output absolute string = loadTextContent('/etc/hostname')
output variable string = loadTextContent(p)
output badJson object = loadJsonContent('bad.json')
output yaml object = loadYamlContent('config.yaml')
output path object = loadJsonContent('good.json', '$..a')
output nothing object = loadJsonContent('good.json', '$.b')
output encoding string = loadTextContent('good.json', 'utf-32')
output big string = loadTextContent('big.txt')
";
    let big = "x".repeat(131_073);
    let files = [
        ("main.bicep", main),
        ("bad.json", "{ nope"),
        ("config.yaml", "a: 1\n"),
        ("good.json", "{\"a\": 1}"),
        ("big.txt", big.as_str()),
    ];
    let all = outputs(&files);
    let value = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).expect(name);
    assert!(value("missing").starts_with("?(cannot read `nope.txt`"), "{}", value("missing"));
    assert!(value("absolute").contains("relative to the template"), "{}", value("absolute"));
    assert!(value("variable").contains("path of `loadTextContent()`"), "{}", value("variable"));
    assert!(value("badJson").contains("`bad.json` is not valid JSON"), "{}", value("badJson"));
    assert!(value("yaml").contains("YAML that is not written as JSON"), "{}", value("yaml"));
    assert!(value("path").contains("not a plain path"), "{}", value("path"));
    assert!(value("nothing").contains("selects nothing"), "{}", value("nothing"));
    assert!(value("encoding").contains("no encoding 'utf-32'"), "{}", value("encoding"));
    assert!(value("big").contains("131072 characters"), "{}", value("big"));
}

#[test]
fn operators_and_safe_access() {
    let main = "param p object = { a: { b: 1 }, list: [1, 2] }
param u object
output safeMember int = p.?missing ?? 7
output safeIndex int = p.list[?5] ?? 8
output fromEnd int = p.list[^1]
output nonNull int = p.a!.b
output not bool = !(1 < 2)
output arithmetic array = [7 % 3, 7 / 2, 7 - 9, -p.a.b, 2 * 3 + 1]
output comparisons array = ['ABC' =~ 'abc', 'ABC' !~ 'abd', 'a' <= 'b', 2 >= 3, 1 != 1, 'a' == 'a', 1 > 0]
output coalesceUnknown string = u.?x ?? 'd'
output andDecided bool = false && u.y
output orDecided bool = u.y || true
output nullCoalesce string = null ?? 'x'
";
    let files = main_only(main);
    assert_eq!(output(&files, "safeMember"), "7");
    assert_eq!(output(&files, "safeIndex"), "8");
    assert_eq!(output(&files, "fromEnd"), "2");
    assert_eq!(output(&files, "nonNull"), "1");
    assert_eq!(output(&files, "not"), "false");
    assert_eq!(output(&files, "arithmetic"), "[1, 3, -2, -1, 7]");
    assert_eq!(output(&files, "comparisons"), "[true, true, true, false, false, true, true]");
    assert!(output(&files, "coalesceUnknown").contains("parameter `u`"));
    assert_eq!(output(&files, "andDecided"), "false");
    assert_eq!(output(&files, "orDecided"), "true");
    assert_eq!(output(&files, "nullCoalesce"), "'x'");
}

#[test]
fn spreads_in_arrays_objects_and_calls() {
    let main = "param u object
var list = [1, 2]
output array array = [0, ...list, 3]
output object object = { z: 0, ...{ a: 1 }, z: 2 }
output call string = concat(...['a', 'b'], 'c')
output unknownArray array = [0, ...u.list]
output unknownLength int = length([0, ...u.list])
output unknownCall string = concat(...u.parts)
";
    let files = main_only(main);
    assert_eq!(output(&files, "array"), "[0, 1, 2, 3]");
    assert_eq!(output(&files, "object"), "{a: 1, z: 2}");
    assert_eq!(output(&files, "call"), "'abc'");
    // How many elements an unknown spread gives is not known: never a shorter array.
    for name in ["unknownArray", "unknownLength", "unknownCall"] {
        assert!(output(&files, name).contains("parameter `u`"), "{name}: {}", output(&files, name));
    }
}

#[test]
fn firewall_rules_built_by_the_language_are_judged() {
    // The firewall rules of a server come from a JSON file, a lambda, an imported function
    // and a user-defined one: the open range is found through all of them.
    let ranges = r#"{ "office": ["10.0.0.1", "10.0.0.9"], "everyone": ["0.0.0.0", "255.255.255.255"] }"#;
    let lib = "@export()
func rule(name string, range string[]) object => {
  name: name
  startIpAddress: range[0]
  endIpAddress: range[1]
}
";
    let main = "import {rule} from 'lib.bicep'
func normalized(r object) object => { name: toLower(r.name), start: r.startIpAddress, end: r.endIpAddress }
var rules = map(items(loadJsonContent('ranges.json')), e => normalized(rule(e.key, e.value)))
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg'
}
resource firewall 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in sort(rules, (a, b) => a.name < b.name): {
  parent: server
  name: r.name
  properties: { startIpAddress: r.start, endIpAddress: r.end }
}]
";
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [("main.bicep", main), ("lib.bicep", lib), ("ranges.json", ranges)] {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let open: Vec<_> =
        report.findings.iter().filter(|f| report.rules[f.rule].id == "PG203" && f.verdict == Verdict::Fail).collect();
    assert_eq!(open.len(), 1, "{:#?}", report.findings);
    assert!(open[0].resource_name.contains("everyone"), "{}", open[0].resource_name);
}

#[test]
fn the_compiler_samples_evaluate_without_problems() {
    // Bicep's own samples of these constructs: every output computed, except where the sample
    // reads a file the corpus does not hold or imports from an ARM template.
    let Some(corpus) = common::corpus_dir("the_compiler_samples_evaluate_without_problems") else { return };
    let corpus = corpus.join("bicep-samples/baselines");
    for sample in ["Lambdas_LF", "Functions_LF", "Imports_LF", "MultilineStrings_LF"] {
        let evaluated = pgguard::scan::evaluate(&[corpus.join(sample).join("main.bicep")]).expect("evaluate");
        let deployment = &evaluated.deployments[0];
        assert!(deployment.problems.is_empty(), "{sample}: {:#?}", deployment.problems);
        for output in &deployment.outputs {
            let value = show(&output.value);
            let expected_unknown = ["`like()`", "`distinct()`", "mod.json", "`myMod`", "repro-data"];
            if value.contains("?(") && !expected_unknown.iter().any(|e| value.contains(e)) {
                panic!("{sample}: output {} = {value}", output.name);
            }
        }
    }
}

#[test]
fn an_import_deploys_nothing_of_its_file() {
    // Bicep refuses an exported variable that reads a resource; pgguard must not deploy the
    // imported file's resources in the importer either way.
    let lib = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-lib'
  location: 'westeurope'
}
@export()
var serverName = server.name
@export()
var plain = 'x'
";
    let main =
        "import {serverName, plain} from 'lib.bicep'\noutput name string = serverName\noutput plain string = plain\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    std::fs::write(dir.path().join("lib.bicep"), lib).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    let deployment = &evaluated.deployments[0];
    assert!(deployment.resources.is_empty(), "{:#?}", deployment.resources);
    let value = |name: &str| show(&deployment.outputs.iter().find(|o| o.name == name).expect("output").value);
    assert!(value("name").starts_with("?("), "{}", value("name"));
    assert_eq!(value("plain"), "'x'");
}

#[test]
fn load_directory_file_info_lists_files_as_the_compiler_does() {
    // LoadFunctions_CRLF: `loadDirectoryFileInfo('./Assets')` compiles to the files sorted by
    // name without regard to case, each with its path relative to the template, its name and
    // its extension; subfolders are not listed.
    let main = "output all array = loadDirectoryFileInfo('./Assets')
output txt array = map(loadDirectoryFileInfo('./Assets', '*.txt'), f => f.relativePath)
output missing array = loadDirectoryFileInfo('./Nope')
";
    let files = [
        ("main.bicep", main),
        ("Assets/binary", "x"),
        ("Assets/TextFile.LF.txt", "x"),
        ("Assets/test.json.txt", "x"),
        ("Assets/sub/inner.txt", "x"),
    ];
    assert_eq!(
        output(&files, "all"),
        "[{relativePath: 'Assets/binary', baseName: 'binary', extension: ''}, \
         {relativePath: 'Assets/test.json.txt', baseName: 'test.json.txt', extension: '.txt'}, \
         {relativePath: 'Assets/TextFile.LF.txt', baseName: 'TextFile.LF.txt', extension: '.txt'}]"
    );
    assert_eq!(output(&files, "txt"), "['Assets/test.json.txt', 'Assets/TextFile.LF.txt']");
    assert!(output(&files, "missing").contains("cannot read `./Nope`"));
}

#[test]
fn an_imported_function_may_use_what_its_file_imports() {
    let lib2 = "@export()\nfunc suffix(env string) string => env == 'prod' ? '' : '-${env}'\n";
    let lib =
        "import {suffix} from 'lib2.bicep'\n@export()\nfunc serverName(env string) string => 'pg${suffix(env)}'\n";
    let main = "import * as lib from 'shared/lib.bicep'\noutput prod string = lib.serverName('prod')\noutput dev string = lib.serverName('dev')\n";
    let files = [("main.bicep", main), ("shared/lib.bicep", lib), ("shared/lib2.bicep", lib2)];
    assert_eq!(output(&files, "prod"), "'pg'");
    assert_eq!(output(&files, "dev"), "'pg-dev'");
}

#[test]
fn the_files_a_parameter_file_imports_are_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), "param env string\n").expect("write");
    std::fs::create_dir(dir.path().join("shared")).expect("mkdir");
    std::fs::write(dir.path().join("shared/vars.bicep"), "@export()\nvar env = 'prod'\n").expect("write");
    let params = "using 'main.bicep'\nimport {env as e} from 'shared/vars.bicep'\nparam env = e\n";
    std::fs::write(dir.path().join("main.bicepparam"), params).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicepparam")]).expect("evaluate");
    assert!(evaluated.files.iter().any(|f| f.path.ends_with("shared/vars.bicep")), "{:#?}", evaluated.files);
}

#[test]
fn unknown_keys_leave_the_other_members_open() {
    // AVM flexible-server: `{ '${id}': {} }` over user-assigned identities given as module
    // outputs. A member of unknown name may replace any other, and the reason names the key's.
    let main = "param ids array
param id string
output literal object = { a: 1, '${id}': 2 }
output built object = toObject(['x', id], k => k, k => 1)
output readA int = { a: 1, '${id}': 2 }.a
";
    let files = main_only(main);
    let literal = output(&files, "literal");
    assert!(literal.contains("an object key is not known: parameter `id`"), "{literal}");
    assert!(output(&files, "built").contains("a `toObject()` key is not known: parameter `id`"));
    assert!(output(&files, "readA").starts_with("?("), "`a` may be replaced by the member named `id`");
}

#[test]
fn a_long_chain_of_imports_stops_at_the_depth_bound() {
    // 400 files, each exporting a variable read from the next: evaluated to the bound, then
    // unknown, without exhausting the stack.
    let dir = tempfile::tempdir().expect("tempdir");
    let count = 400;
    for i in 0..count {
        let text = if i + 1 < count {
            format!("import {{v{n}}} from 'f{n}.bicep'\n@export()\nvar v{i} = v{n}\n", n = i + 1)
        } else {
            format!("@export()\nvar v{i} = 'end'\n")
        };
        std::fs::write(dir.path().join(format!("f{i}.bicep")), text).expect("write");
    }
    std::fs::write(dir.path().join("main.bicep"), "import {v0} from 'f0.bicep'\noutput v string = v0\n")
        .expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    let value = show(&evaluated.deployments[0].outputs[0].value);
    assert!(value.contains("references nest deeper than 256"), "{value}");
}
