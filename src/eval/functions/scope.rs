//! The deployment's scope and resource ids. `resourceGroup()`, `subscription()` and the like
//! are known only at deployment but stable within it: each is a symbol of the template
//! instance's scope. `resourceId()` is an id of a type and name, in the scope it names or the
//! deployment's own, whatever its names are.

use super::{Body, Ctx, Function, MANY};
use crate::model::{Node, ResourceId, ScopePart, Sym, SymKind, Unknown, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "resourceGroup", min: 0, max: 2, body: Body::Tolerant(resource_group) },
    Function { name: "subscription", min: 0, max: 1, body: Body::Tolerant(subscription) },
    Function { name: "tenant", min: 0, max: 0, body: Body::Tolerant(tenant) },
    Function { name: "managementGroup", min: 0, max: 1, body: Body::Tolerant(management_group) },
    Function { name: "deployment", min: 0, max: 0, body: Body::Tolerant(deployment) },
    Function { name: "environment", min: 0, max: 0, body: Body::Tolerant(environment) },
    Function { name: "deployer", min: 0, max: 0, body: Body::Tolerant(deployer) },
    Function { name: "resourceId", min: 2, max: MANY, body: Body::Tolerant(resource_id) },
    Function { name: "subscriptionResourceId", min: 2, max: MANY, body: Body::Tolerant(subscription_resource_id) },
    Function { name: "tenantResourceId", min: 2, max: MANY, body: Body::Tolerant(tenant_resource_id) },
    Function { name: "extensionResourceId", min: 3, max: MANY, body: Body::Symbolic },
    Function { name: "managementGroupResourceId", min: 2, max: MANY, body: Body::Symbolic },
    Function { name: "reference", min: 1, max: 3, body: Body::Runtime },
    Function { name: "readEnvironmentVariable", min: 1, max: 2, body: Body::Runtime },
    // What the resource providers and regions offer when the template is deployed.
    Function { name: "providers", min: 1, max: 2, body: Body::Runtime },
    Function { name: "pickZones", min: 3, max: 5, body: Body::Runtime },
];

/// The scope's own value of `function` (`resourcegroup`, `subscription`…).
pub fn own(function: &'static str, ctx: &Ctx) -> Value {
    let sym = Sym::new(SymKind::Scope { scope: ctx.scope, function });
    Value::Unknown(Unknown::symbolic(format!("`{}()` is known only at deployment", shown(function)), ctx.origin, sym))
}

/// `function(args)`: another scope, named by its arguments (a deterministic function of them
/// and of the deployment's own subscription).
fn named(function: &'static str, args: &[Node], ctx: &Ctx) -> Value {
    if args.is_empty() {
        return own(function, ctx);
    }
    let mut values = vec![own("subscription", ctx)];
    values.extend(args.iter().map(|n| n.value.clone()));
    let reason = format!("`{}(…)` is known only at deployment", shown(function));
    Value::Unknown(Unknown::symbolic(reason, ctx.origin, Sym::call(function, values)))
}

/// How users write a scope function.
fn shown(function: &str) -> &str {
    match function {
        "resourcegroup" => "resourceGroup",
        "managementgroup" => "managementGroup",
        other => other,
    }
}

fn resource_group(args: &[Node], ctx: &Ctx) -> Value {
    named("resourcegroup", args, ctx)
}

fn subscription(args: &[Node], ctx: &Ctx) -> Value {
    named("subscription", args, ctx)
}

fn management_group(args: &[Node], ctx: &Ctx) -> Value {
    named("managementgroup", args, ctx)
}

fn tenant(_: &[Node], ctx: &Ctx) -> Value {
    own("tenant", ctx)
}

/// `deployment()`: each template instance (a module call, a nested deployment) is a
/// deployment of its own.
fn deployment(_: &[Node], ctx: &Ctx) -> Value {
    let sym = Sym::new(SymKind::Deployment { instance: ctx.instance });
    Value::Unknown(Unknown::symbolic("`deployment()` is known only at deployment", ctx.origin, sym))
}

fn environment(_: &[Node], ctx: &Ctx) -> Value {
    own("environment", ctx)
}

/// `deployer()`: the principal deploying, the same throughout the deployment.
fn deployer(_: &[Node], ctx: &Ctx) -> Value {
    own("deployer", ctx)
}

/// Whether `value` is `function().member` of the call's own scope (`resourceGroup().name`,
/// `subscription().subscriptionId`).
fn is_own(value: &Value, function: &str, member: &str, ctx: &Ctx) -> bool {
    let Value::Unknown(Unknown { sym: Some(sym), .. }) = value else { return false };
    let SymKind::Member(base, name) = sym.kind() else { return false };
    matches!(base.kind(), SymKind::Scope { scope, function: f } if *scope == ctx.scope && *f == function)
        && name.as_ref() == member
}

fn part(value: &Value, function: &str, member: &str, ctx: &Ctx) -> ScopePart {
    if is_own(value, function, member, ctx) { ScopePart::Own(ctx.scope) } else { ScopePart::Named(value.clone()) }
}

/// `resourceId([subscriptionId], [resourceGroupName], type, name1, name2…)`.
fn resource_id(args: &[Node], ctx: &Ctx) -> Value {
    build_id(args, ctx, |before, ctx| match before {
        [] => (ScopePart::Own(ctx.scope), ScopePart::Own(ctx.scope)),
        [rg] => (ScopePart::Own(ctx.scope), part(rg, "resourcegroup", "name", ctx)),
        [sub, rg, ..] => (part(sub, "subscription", "subscriptionid", ctx), part(rg, "resourcegroup", "name", ctx)),
    })
}

/// `subscriptionResourceId([subscriptionId], type, names…)`: no resource group.
fn subscription_resource_id(args: &[Node], ctx: &Ctx) -> Value {
    build_id(args, ctx, |before, ctx| match before {
        [] => (ScopePart::Own(ctx.scope), ScopePart::Named(Value::Null)),
        [sub, ..] => (part(sub, "subscription", "subscriptionid", ctx), ScopePart::Named(Value::Null)),
    })
}

fn tenant_resource_id(args: &[Node], ctx: &Ctx) -> Value {
    build_id(args, ctx, |_, _| (ScopePart::Named(Value::Null), ScopePart::Named(Value::Null)))
}

/// The type is the argument whose segment count matches the names that follow it; the
/// arguments before it name the scope.
fn build_id(args: &[Node], ctx: &Ctx, scope: impl Fn(&[Value], &Ctx) -> (ScopePart, ScopePart)) -> Value {
    let values: Vec<Value> = args.iter().map(|n| n.value.clone()).collect();
    for (i, arg) in values.iter().enumerate() {
        let Value::String(resource_type) = arg else { continue };
        let segments = resource_type.split('/').count();
        if segments >= 2 && values.len() - i - 1 == segments - 1 {
            let mut name_parts = Vec::new();
            for (k, name) in values[i + 1..].iter().enumerate() {
                if k > 0 {
                    name_parts.push(Value::String("/".into()));
                }
                name_parts.push(name.clone());
            }
            let (subscription, resource_group) = scope(&values[..i], ctx);
            return Value::ResourceId(Box::new(ResourceId {
                resource_type: resource_type.clone(),
                name: Value::concat(name_parts, ctx.origin),
                subscription,
                resource_group,
                target: None,
            }));
        }
    }
    crate::eval::ops::unknown_of("resourceid", &values, ctx.origin)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, s};
    use crate::model::{Tri, Value, compare};

    #[test]
    fn an_extension_resource_id_is_its_own_value() {
        let base = call("resourceId", vec![s("Microsoft.DBforPostgreSQL/flexibleServers"), s("pg")]);
        let extension =
            call("extensionResourceId", vec![base.clone(), s("Microsoft.Insights/diagnosticSettings"), s("d")]);
        let again = call("extensionResourceId", vec![base, s("Microsoft.Insights/diagnosticSettings"), s("d")]);
        let plain = call("resourceId", vec![s("Microsoft.Insights/diagnosticSettings"), s("d")]);
        assert!(matches!(&extension, Value::Unknown(u) if u.sym.is_some()));
        assert_eq!(compare::strictly_equals(&extension, &again), Tri::Yes);
        assert_ne!(compare::strictly_equals(&extension, &plain), Tri::Yes);
    }

    #[test]
    fn the_deployer_is_stable_and_zones_are_known_only_at_deployment() {
        let a = call("deployer", vec![]);
        assert_eq!(compare::strictly_equals(&a, &call("deployer", vec![])), Tri::Yes);
        let zones = call("pickZones", vec![s("Microsoft.Compute"), s("virtualMachines"), s("westus2")]);
        assert!(matches!(zones, Value::Unknown(u) if u.sym.is_none()));
    }
}
