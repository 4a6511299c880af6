//! A small Bicep grammar that the fuzzer's bytes choose from (through `arbitrary`): what it
//! renders is (nearly always) valid Bicep, so the evaluator and the rules get the inputs.
//!
//! Names come from small pools (`p0`–`p3`, `v0`–`v3`, `r0`–`r3`, …) so that references,
//! chains, self-references and cycles between declarations are frequent; property paths are
//! those the rules read; module calls go from `main.bicep` to `mod.bicep` and back.

use arbitrary::Arbitrary;
use std::fmt::Write;

/// Past this depth an expression is rendered as a literal: no input nests without end.
const MAX_DEPTH: usize = 10;

/// The two files of one input: `main.bicep` and the `mod.bicep` its modules call.
#[derive(Arbitrary, Debug)]
pub struct Files {
    pub main: Program,
    pub module: Program,
}

impl Files {
    /// `(main.bicep, mod.bicep)`
    pub fn render(&self) -> (String, String) {
        (self.main.render("mod.bicep"), self.module.render(if self.module.self_calls { "mod.bicep" } else { "main.bicep" }))
    }
}

#[derive(Arbitrary, Debug)]
pub struct Program {
    pub target_scope: Option<Scope>,
    pub params: Vec<Param>,
    pub vars: Vec<Var>,
    pub funcs: Vec<Func>,
    pub resources: Vec<Resource>,
    pub modules: Vec<Module>,
    pub outputs: Vec<Output>,
    /// In `mod.bicep`: whether its modules call itself rather than `main.bicep`.
    pub self_calls: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Scope {
    ResourceGroup,
    Subscription,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Name(u8);

impl Name {
    fn index(self) -> u8 {
        self.0 % 4
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Type {
    String,
    Int,
    Bool,
    Object,
    Array,
}

#[derive(Arbitrary, Debug)]
pub enum Decorator {
    Secure,
    Allowed(Vec<Literal>),
    MinValue(i8),
    MaxLength(u8),
    Description(Word),
}

#[derive(Arbitrary, Debug)]
pub struct Param {
    pub name: Name,
    pub ty: Type,
    pub decorators: Vec<Decorator>,
    pub default: Option<Expr>,
}

#[derive(Arbitrary, Debug)]
pub struct Var {
    pub name: Name,
    pub value: Expr,
}

#[derive(Arbitrary, Debug)]
pub struct Func {
    pub name: Name,
    pub ty: Type,
    pub body: Expr,
}

#[derive(Arbitrary, Debug)]
pub struct Output {
    pub name: Name,
    pub ty: Type,
    pub value: Expr,
}

/// Whether a declaration is looped or conditional.
#[derive(Arbitrary, Debug)]
pub enum Repeat {
    Once,
    If(Expr),
    /// `[for x in SOURCE: …]`
    For(Expr),
    /// `[for (x, i) in SOURCE: if (COND) …]`
    ForIf(Expr, Expr),
    /// `[for i in range(0, N): …]`
    Range(u16),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ResourceType {
    FlexibleServer,
    SingleServer,
    ServerGroup,
    FlexFirewallRule,
    FlexConfiguration,
    SingleFirewallRule,
    SingleConfiguration,
    FlexAdministrator,
    PrivateEndpoint,
    StorageAccount,
}

impl ResourceType {
    fn text(self) -> &'static str {
        match self {
            ResourceType::FlexibleServer => "Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01",
            ResourceType::SingleServer => "Microsoft.DBforPostgreSQL/servers@2017-12-01",
            ResourceType::ServerGroup => "Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08",
            ResourceType::FlexFirewallRule => "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01",
            ResourceType::FlexConfiguration => "Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01",
            ResourceType::SingleFirewallRule => "Microsoft.DBforPostgreSQL/servers/firewallRules@2017-12-01",
            ResourceType::SingleConfiguration => "Microsoft.DBforPostgreSQL/servers/configurations@2017-12-01",
            ResourceType::FlexAdministrator => "Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01",
            ResourceType::PrivateEndpoint => "Microsoft.Network/privateEndpoints@2023-09-01",
            ResourceType::StorageAccount => "Microsoft.Storage/storageAccounts@2023-01-01",
        }
    }
}

/// The child types a server declares nested (`resource c 'firewallRules' = …`).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ChildType {
    FirewallRules,
    Configurations,
    Administrators,
    Databases,
}

impl ChildType {
    fn text(self) -> &'static str {
        match self {
            ChildType::FirewallRules => "firewallRules",
            ChildType::Configurations => "configurations",
            ChildType::Administrators => "administrators",
            ChildType::Databases => "databases",
        }
    }
}

/// The property paths the rules read, and a few around them.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Path {
    PublicNetworkAccess,
    NetworkPublicNetworkAccess,
    DelegatedSubnet,
    MinimalTlsVersion,
    SslEnforcement,
    Version,
    BackupRetentionDays,
    GeoRedundantBackup,
    StorageRetentionDays,
    StorageGeoRedundantBackup,
    HighAvailabilityMode,
    ActiveDirectoryAuth,
    PasswordAuth,
    DataEncryptionType,
    InfrastructureEncryption,
    MaintenanceWindow,
    StartIpAddress,
    EndIpAddress,
    Value,
    Source,
    PrivateLinkServiceId,
    GroupIds,
    CoordinatorPublicIp,
    PrincipalType,
}

impl Path {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Path::PublicNetworkAccess => &["publicNetworkAccess"],
            Path::NetworkPublicNetworkAccess => &["network", "publicNetworkAccess"],
            Path::DelegatedSubnet => &["network", "delegatedSubnetResourceId"],
            Path::MinimalTlsVersion => &["minimalTlsVersion"],
            Path::SslEnforcement => &["sslEnforcement"],
            Path::Version => &["version"],
            Path::BackupRetentionDays => &["backup", "backupRetentionDays"],
            Path::GeoRedundantBackup => &["backup", "geoRedundantBackup"],
            Path::StorageRetentionDays => &["storageProfile", "backupRetentionDays"],
            Path::StorageGeoRedundantBackup => &["storageProfile", "geoRedundantBackup"],
            Path::HighAvailabilityMode => &["highAvailability", "mode"],
            Path::ActiveDirectoryAuth => &["authConfig", "activeDirectoryAuth"],
            Path::PasswordAuth => &["authConfig", "passwordAuth"],
            Path::DataEncryptionType => &["dataEncryption", "type"],
            Path::InfrastructureEncryption => &["infrastructureEncryption"],
            Path::MaintenanceWindow => &["maintenanceWindow", "customWindow"],
            Path::StartIpAddress => &["startIpAddress"],
            Path::EndIpAddress => &["endIpAddress"],
            Path::Value => &["value"],
            Path::Source => &["source"],
            Path::PrivateLinkServiceId => &["privateLinkServiceConnections"],
            Path::GroupIds => &["groupIds"],
            Path::CoordinatorPublicIp => &["coordinatorEnablePublicIpAccess"],
            Path::PrincipalType => &["principalType"],
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct Child {
    pub ty: ChildType,
    pub repeat: Repeat,
    pub name: Expr,
    pub properties: Vec<(Path, Expr)>,
}

#[derive(Arbitrary, Debug)]
pub struct Resource {
    pub name: Name,
    pub ty: ResourceType,
    pub existing: bool,
    pub repeat: Repeat,
    pub resource_name: Expr,
    /// `parent: rN`
    pub parent: Option<Name>,
    pub properties: Vec<(Path, Expr)>,
    /// Top-level keys besides `name` and `properties`: `tags`, `sku`, `dependsOn`…
    pub extra: Vec<(TopKey, Expr)>,
    pub children: Vec<Child>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum TopKey {
    Location,
    Tags,
    Sku,
    DependsOn,
    Identity,
}

impl TopKey {
    fn text(self) -> &'static str {
        match self {
            TopKey::Location => "location",
            TopKey::Tags => "tags",
            TopKey::Sku => "sku",
            TopKey::DependsOn => "dependsOn",
            TopKey::Identity => "identity",
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct Module {
    pub name: Name,
    pub repeat: Repeat,
    pub deployment_name: Expr,
    pub params: Vec<(Name, Expr)>,
    pub scope: Option<Expr>,
}

/// Literal text the rules care about, and a few awkward strings.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Word {
    Enabled,
    Disabled,
    AllIps,
    NoIp,
    Broadcast,
    Tls10,
    Tls12,
    ZoneRedundant,
    Eleven,
    Sixteen,
    Empty,
    Quote,
    Dollar,
    Unicode,
    Id,
}

impl Word {
    fn text(self) -> &'static str {
        match self {
            Word::Enabled => "Enabled",
            Word::Disabled => "Disabled",
            Word::AllIps => "0.0.0.0",
            Word::NoIp => "255.255.255.255",
            Word::Broadcast => "0.0.0.0/0",
            Word::Tls10 => "TLS1_0",
            Word::Tls12 => "TLSV1.2",
            Word::ZoneRedundant => "ZoneRedundant",
            Word::Eleven => "11",
            Word::Sixteen => "16",
            Word::Empty => "",
            Word::Quote => "\\'",
            Word::Dollar => "\\${x}",
            Word::Unicode => "é\\u{1F600}",
            Word::Id => "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Literal {
    Word(Word),
    Int(i16),
    Bool(bool),
    Null,
}

/// Names bound inside an expression: loop items and indexes, lambda parameters, function
/// parameters.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Local {
    X,
    I,
    Y,
    Acc,
    A,
}

impl Local {
    fn text(self) -> &'static str {
        match self {
            Local::X => "x",
            Local::I => "i",
            Local::Y => "y",
            Local::Acc => "acc",
            Local::A => "a",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Key {
    Name,
    Value,
    Start,
    End,
    Enabled,
    Tls,
    Properties,
    Outputs,
    Id,
}

impl Key {
    fn text(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Value => "value",
            Key::Start => "start",
            Key::End => "end",
            Key::Enabled => "enabled",
            Key::Tls => "tls",
            Key::Properties => "properties",
            Key::Outputs => "outputs",
            Key::Id => "id",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BinOp {
    Eq,
    Ne,
    EqI,
    Lt,
    And,
    Or,
    Add,
    Mul,
    Mod,
    Coalesce,
}

impl BinOp {
    fn text(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::EqI => "=~",
            BinOp::Lt => "<",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::Add => "+",
            BinOp::Mul => "*",
            BinOp::Mod => "%",
            BinOp::Coalesce => "??",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Func1 {
    ToLower,
    String,
    Length,
    Empty,
    First,
    Last,
    Json,
    Base64,
    UniqueString,
    Items,
    Int,
    Bool,
}

impl Func1 {
    fn text(self) -> &'static str {
        match self {
            Func1::ToLower => "toLower",
            Func1::String => "string",
            Func1::Length => "length",
            Func1::Empty => "empty",
            Func1::First => "first",
            Func1::Last => "last",
            Func1::Json => "json",
            Func1::Base64 => "base64",
            Func1::UniqueString => "uniqueString",
            Func1::Items => "items",
            Func1::Int => "int",
            Func1::Bool => "bool",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Func2 {
    Concat,
    Contains,
    Union,
    Intersection,
    Take,
    Skip,
    Split,
    Format,
    Coalesce,
    StartsWith,
    ResourceId,
}

impl Func2 {
    fn text(self) -> &'static str {
        match self {
            Func2::Concat => "concat",
            Func2::Contains => "contains",
            Func2::Union => "union",
            Func2::Intersection => "intersection",
            Func2::Take => "take",
            Func2::Skip => "skip",
            Func2::Split => "split",
            Func2::Format => "format",
            Func2::Coalesce => "coalesce",
            Func2::StartsWith => "startsWith",
            Func2::ResourceId => "resourceId",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Lambda {
    Map,
    Filter,
    Sort,
    Reduce,
    ToObject,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Context {
    ResourceGroupLocation,
    ResourceGroupId,
    SubscriptionId,
    DeploymentName,
    Environment,
}

impl Context {
    fn text(self) -> &'static str {
        match self {
            Context::ResourceGroupLocation => "resourceGroup().location",
            Context::ResourceGroupId => "resourceGroup().id",
            Context::SubscriptionId => "subscription().subscriptionId",
            Context::DeploymentName => "deployment().name",
            Context::Environment => "environment().name",
        }
    }
}

/// A resource's readable parts.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ResourcePart {
    Id,
    Name,
    Property(Path),
    Indexed(u8),
}

#[derive(Arbitrary, Debug)]
pub enum Expr {
    Literal(Literal),
    Param(Name),
    Var(Name),
    Local(Local),
    Resource(Name, ResourcePart),
    ModuleOutput(Name, Name),
    Context(Context),
    /// `'text${e}text${e}…'`
    Interpolation(Vec<(Word, Expr)>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Call1(Func1, Box<Expr>),
    Call2(Func2, Box<Expr>, Box<Expr>),
    Range(i16, u16),
    /// `[for x in SOURCE: BODY]`, `[for (x, i) in SOURCE: if (COND) BODY]`
    For(Box<Expr>, Option<Box<Expr>>, Box<Expr>),
    Lambda(Lambda, Box<Expr>, Box<Expr>),
    Object(Vec<(Key, Expr)>),
    Array(Vec<Expr>),
    Member(Box<Expr>, Key),
    SafeMember(Box<Expr>, Key),
    Index(Box<Expr>, Box<Expr>),
    UserCall(Name, Vec<Expr>),
    /// `'${vN}${vN}'`: the doubling that once exhausted memory.
    Double(Name),
}

impl Program {
    pub fn render(&self, module_path: &str) -> String {
        let mut out = String::new();
        if let Some(scope) = self.target_scope {
            let scope = match scope {
                Scope::ResourceGroup => "resourceGroup",
                Scope::Subscription => "subscription",
            };
            let _ = writeln!(out, "targetScope = '{scope}'");
        }
        for p in &self.params {
            for d in &p.decorators {
                match d {
                    Decorator::Secure => out.push_str("@secure()\n"),
                    Decorator::Allowed(values) => {
                        out.push_str("@allowed([\n");
                        for v in values {
                            literal(&mut out, *v);
                            out.push('\n');
                        }
                        out.push_str("])\n");
                    }
                    Decorator::MinValue(n) => {
                        let _ = writeln!(out, "@minValue({n})");
                    }
                    Decorator::MaxLength(n) => {
                        let _ = writeln!(out, "@maxLength({n})");
                    }
                    Decorator::Description(w) => {
                        let _ = writeln!(out, "@description('{}')", w.text());
                    }
                }
            }
            let _ = write!(out, "param p{} {}", p.name.index(), ty(p.ty));
            if let Some(default) = &p.default {
                out.push_str(" = ");
                expr(&mut out, default, 0);
            }
            out.push('\n');
        }
        for v in &self.vars {
            let _ = write!(out, "var v{} = ", v.name.index());
            expr(&mut out, &v.value, 0);
            out.push('\n');
        }
        for f in &self.funcs {
            let _ = write!(out, "func f{}(a {}) {} => ", f.name.index() % 2, ty(f.ty), ty(f.ty));
            expr(&mut out, &f.body, 0);
            out.push('\n');
        }
        for r in &self.resources {
            let _ = write!(out, "resource r{} '{}' {}= ", r.name.index(), r.ty.text(), if r.existing { "existing " } else { "" });
            let body = |out: &mut String| {
                out.push_str("{\n  name: ");
                expr(out, &r.resource_name, 1);
                out.push('\n');
                if let Some(parent) = r.parent {
                    let _ = writeln!(out, "  parent: r{}", parent.index());
                }
                for (key, value) in &r.extra {
                    let _ = write!(out, "  {}: ", key.text());
                    expr(out, value, 1);
                    out.push('\n');
                }
                out.push_str("  properties: ");
                properties(out, &r.properties, 1);
                out.push('\n');
                for (n, child) in r.children.iter().enumerate() {
                    let _ = write!(out, "  resource c{n} '{}' = ", child.ty.text());
                    repeat(out, &child.repeat, &|out: &mut String| {
                        out.push_str("{\n    name: ");
                        expr(out, &child.name, 2);
                        out.push_str("\n    properties: ");
                        properties(out, &child.properties, 2);
                        out.push_str("\n  }");
                    });
                    out.push('\n');
                }
                out.push('}');
            };
            repeat(&mut out, &r.repeat, &body);
            out.push('\n');
        }
        for m in &self.modules {
            let _ = write!(out, "module m{} '{module_path}' = ", m.name.index());
            repeat(&mut out, &m.repeat, &|out: &mut String| {
                out.push_str("{\n  name: ");
                expr(out, &m.deployment_name, 1);
                out.push('\n');
                if let Some(scope) = &m.scope {
                    out.push_str("  scope: ");
                    expr(out, scope, 1);
                    out.push('\n');
                }
                out.push_str("  params: {\n");
                for (name, value) in &m.params {
                    let _ = write!(out, "    p{}: ", name.index());
                    expr(out, value, 2);
                    out.push('\n');
                }
                out.push_str("  }\n}");
            });
            out.push('\n');
        }
        for o in &self.outputs {
            let _ = write!(out, "output o{} {} = ", o.name.index(), ty(o.ty));
            expr(&mut out, &o.value, 0);
            out.push('\n');
        }
        out
    }
}

fn ty(t: Type) -> &'static str {
    match t {
        Type::String => "string",
        Type::Int => "int",
        Type::Bool => "bool",
        Type::Object => "object",
        Type::Array => "array",
    }
}

fn literal(out: &mut String, l: Literal) {
    match l {
        Literal::Word(w) => {
            let _ = write!(out, "'{}'", w.text());
        }
        Literal::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Literal::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Literal::Null => out.push_str("null"),
    }
}

/// `BODY`, `if (C) BODY`, or a loop around it.
fn repeat(out: &mut String, r: &Repeat, body: &dyn Fn(&mut String)) {
    match r {
        Repeat::Once => body(out),
        Repeat::If(cond) => {
            out.push_str("if (");
            expr(out, cond, 1);
            out.push_str(") ");
            body(out);
        }
        Repeat::For(source) => {
            out.push_str("[for x in ");
            expr(out, source, 1);
            out.push_str(": ");
            body(out);
            out.push(']');
        }
        Repeat::ForIf(source, cond) => {
            out.push_str("[for (x, i) in ");
            expr(out, source, 1);
            out.push_str(": if (");
            expr(out, cond, 1);
            out.push_str(") ");
            body(out);
            out.push(']');
        }
        Repeat::Range(n) => {
            let _ = write!(out, "[for i in range(0, {n}): ");
            body(out);
            out.push(']');
        }
    }
}

/// A `properties` object from paths: `a.b` and `a.c` share the object `a`.
fn properties(out: &mut String, props: &[(Path, Expr)], depth: usize) {
    enum Node<'a> {
        Leaf(&'a Expr),
        Object(Vec<(&'static str, Node<'a>)>),
    }
    fn insert<'a>(node: &mut Vec<(&'static str, Node<'a>)>, keys: &[&'static str], value: &'a Expr) {
        let (first, rest) = (keys[0], &keys[1..]);
        if rest.is_empty() {
            node.push((first, Node::Leaf(value)));
            return;
        }
        if let Some((_, Node::Object(inner))) = node.iter_mut().find(|(k, n)| *k == first && matches!(n, Node::Object(_))) {
            insert(inner, rest, value);
        } else {
            let mut inner = Vec::new();
            insert(&mut inner, rest, value);
            node.push((first, Node::Object(inner)));
        }
    }
    fn render(out: &mut String, node: &[(&'static str, Node<'_>)], depth: usize) {
        out.push_str("{\n");
        for (key, value) in node {
            out.push_str(&"  ".repeat(depth + 1));
            let _ = write!(out, "{key}: ");
            match value {
                Node::Leaf(e) => expr(out, e, depth + 1),
                Node::Object(inner) => render(out, inner, depth + 1),
            }
            out.push('\n');
        }
        out.push_str(&"  ".repeat(depth));
        out.push('}');
    }
    let mut root = Vec::new();
    for (path, value) in props {
        insert(&mut root, path.keys(), value);
    }
    render(out, &root, depth);
}

/// One expression, on one line: objects and arrays in their one-line form with commas.
fn expr(out: &mut String, e: &Expr, depth: usize) {
    expr_in(out, e, depth, false);
}

/// `in_string`: inside an interpolation hole, where Bicep takes no object or array literal
/// (nor a `for`): those become other expressions of the same kind.
fn expr_in(out: &mut String, e: &Expr, depth: usize, in_string: bool) {
    if depth > MAX_DEPTH {
        out.push_str("'deep'");
        return;
    }
    let d = depth + 1;
    let expr = |out: &mut String, e: &Expr, depth: usize| expr_in(out, e, depth, in_string);
    match e {
        Expr::Literal(l) => literal(out, *l),
        Expr::Param(n) => {
            let _ = write!(out, "p{}", n.index());
        }
        Expr::Var(n) => {
            let _ = write!(out, "v{}", n.index());
        }
        Expr::Local(l) => out.push_str(l.text()),
        Expr::Resource(n, part) => {
            let _ = write!(out, "r{}", n.index());
            match part {
                ResourcePart::Id => out.push_str(".id"),
                ResourcePart::Name => out.push_str(".name"),
                ResourcePart::Property(path) => {
                    out.push_str(".properties");
                    for key in path.keys() {
                        let _ = write!(out, ".{key}");
                    }
                }
                ResourcePart::Indexed(i) => {
                    let _ = write!(out, "[{}].id", i % 4);
                }
            }
        }
        Expr::ModuleOutput(m, o) => {
            let _ = write!(out, "m{}.outputs.o{}", m.index(), o.index());
        }
        Expr::Context(c) => out.push_str(c.text()),
        Expr::Interpolation(parts) => {
            out.push('\'');
            for (word, e) in parts {
                out.push_str(word.text());
                out.push_str("${");
                expr_in(out, e, d, true);
                out.push('}');
            }
            out.push('\'');
        }
        Expr::Ternary(c, a, b) => {
            out.push('(');
            expr(out, c, d);
            out.push_str(" ? ");
            expr(out, a, d);
            out.push_str(" : ");
            expr(out, b, d);
            out.push(')');
        }
        Expr::Binary(op, a, b) => {
            out.push('(');
            expr(out, a, d);
            let _ = write!(out, " {} ", op.text());
            expr(out, b, d);
            out.push(')');
        }
        Expr::Not(a) => {
            out.push_str("!(");
            expr(out, a, d);
            out.push(')');
        }
        Expr::Call1(f, a) => {
            let _ = write!(out, "{}(", f.text());
            expr(out, a, d);
            out.push(')');
        }
        Expr::Call2(f, a, b) => {
            let _ = write!(out, "{}(", f.text());
            expr(out, a, d);
            out.push_str(", ");
            expr(out, b, d);
            out.push(')');
        }
        Expr::Range(start, count) => {
            let _ = write!(out, "range({start}, {count})");
        }
        Expr::For(..) if in_string => out.push_str("range(0, 3)"),
        Expr::For(source, cond, body) => {
            out.push_str("[for (x, i) in ");
            expr(out, source, d);
            out.push_str(": ");
            match cond {
                // `if` filters only resource and module loops: here it becomes a ternary.
                Some(cond) => {
                    out.push('(');
                    expr(out, cond, d);
                    out.push_str(" ? ");
                    expr(out, body, d);
                    out.push_str(" : null)");
                }
                None => expr(out, body, d),
            }
            out.push(']');
        }
        Expr::Lambda(kind, array, body) => {
            let (name, params, init) = match kind {
                Lambda::Map => ("map", "y", false),
                Lambda::Filter => ("filter", "y", false),
                Lambda::Sort => ("sort", "(acc, y)", false),
                Lambda::Reduce => ("reduce", "(acc, y)", true),
                Lambda::ToObject => ("toObject", "y", false),
            };
            let _ = write!(out, "{name}(");
            expr(out, array, d);
            if init {
                out.push_str(", 0");
            }
            let _ = write!(out, ", {params} => ");
            expr(out, body, d);
            out.push(')');
        }
        Expr::Object(_) if in_string => out.push_str("v0"),
        Expr::Object(entries) => {
            out.push('{');
            for (n, (key, value)) in entries.iter().enumerate() {
                out.push_str(if n > 0 { ", " } else { " " });
                let _ = write!(out, "{}: ", key.text());
                expr(out, value, d);
            }
            out.push_str(if entries.is_empty() { "}" } else { " }" });
        }
        Expr::Array(_) if in_string => out.push_str("range(1, 2)"),
        Expr::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                expr(out, item, d);
            }
            out.push(']');
        }
        Expr::Member(base, key) => {
            out.push('(');
            expr(out, base, d);
            let _ = write!(out, ").{}", key.text());
        }
        Expr::SafeMember(base, key) => {
            out.push('(');
            expr(out, base, d);
            let _ = write!(out, ").?{}", key.text());
        }
        Expr::Index(base, index) => {
            out.push('(');
            expr(out, base, d);
            out.push_str(")[");
            expr(out, index, d);
            out.push(']');
        }
        Expr::UserCall(f, args) => {
            let _ = write!(out, "f{}(", f.index() % 2);
            for (n, a) in args.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                expr(out, a, d);
            }
            out.push(')');
        }
        Expr::Double(n) => {
            let _ = write!(out, "'${{v{0}}}${{v{0}}}'", n.index());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::Unstructured;

    /// Most generated programs parse without a syntax error: the generator reaches the
    /// evaluator, not only the parser.
    #[test]
    fn generated_programs_parse() {
        let mut clean = 0;
        let total = 500;
        for seed in 0..total {
            // A cheap deterministic byte stream per seed.
            let bytes: Vec<u8> =
                (0..2048u32).map(|i| ((i.wrapping_mul(2_654_435_761) ^ (seed * 40_503)) >> 7) as u8).collect();
            let Ok(files) = Files::arbitrary(&mut Unstructured::new(&bytes)) else { continue };
            let (main, module) = files.render();
            let mut errors = 0;
            for text in [&main, &module] {
                for e in pgguard::syntax::bicep::parse(text, pgguard::syntax::bicep::Mode::Template).errors {
                    errors += 1;
                    if std::env::var_os("GRAMMAR_DEBUG").is_some() {
                        let at = e.span.start as usize;
                        let line = text[..at].lines().count();
                        let excerpt: String = text[at.saturating_sub(60)..(at + 20).min(text.len())].to_string();
                        eprintln!("seed {seed} line {line}: {}\n{excerpt}\n====", e.message);
                    }
                }
            }
            if errors == 0 {
                clean += 1;
            }
        }
        assert!(clean * 10 >= total * 9, "only {clean} of {total} generated programs parse");
    }
}
