//! The CIDR functions, IPv4 and IPv6 as Microsoft documents them: `parseCidr()`,
//! `cidrSubnet()`, `cidrHost()`. What the documentation leaves open (an address with host
//! bits set, the usable range of an IPv4 /31 or /32, IPv4-compatible IPv6 forms) is not
//! computed: it is an unknown that says so.

use super::{Body, Ctx, Function};
use crate::model::{Node, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "parseCidr", min: 1, max: 1, body: Body::Strict(parse_cidr) },
    Function { name: "cidrSubnet", min: 3, max: 3, body: Body::Strict(cidr_subnet) },
    Function { name: "cidrHost", min: 2, max: 2, body: Body::Strict(cidr_host) },
];

/// A network: its first address as a number, its prefix length, and whether it is IPv6.
#[derive(Debug, Clone, Copy)]
struct Network {
    address: u128,
    prefix: u32,
    v6: bool,
}

impl Network {
    fn bits(self) -> u32 {
        if self.v6 { 128 } else { 32 }
    }

    /// The host part: the addresses after the first.
    fn host_mask(self) -> u128 {
        let host_bits = self.bits() - self.prefix;
        if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 }
    }

    fn netmask(self) -> u128 {
        let all = if self.v6 { u128::MAX } else { u128::from(u32::MAX) };
        all & !self.host_mask()
    }

    fn last(self) -> u128 {
        self.address | self.host_mask()
    }

    fn show(self, address: u128) -> Option<String> {
        if self.v6 {
            // Rust and .NET write the IPv4-compatible forms (`::a.b.c.d`) differently.
            if address >> 48 == 0 && address > 1 {
                return None;
            }
            Some(Ipv6Addr::from(address).to_string())
        } else {
            Some(Ipv4Addr::from(address as u32).to_string())
        }
    }
}

/// Reads `address/prefix`; the reason when it is not a network Azure would take as given.
fn network(text: &str) -> Result<Network, String> {
    let (address, prefix) = text.split_once('/').ok_or_else(|| format!("'{text}' has no `/` prefix length"))?;
    let address: IpAddr = address.parse().map_err(|_| format!("'{address}' is not an IP address"))?;
    let (address, v6) = match address {
        IpAddr::V4(a) => (u128::from(u32::from(a)), false),
        IpAddr::V6(a) => (u128::from(a), true),
    };
    let prefix: u32 = prefix.parse().map_err(|_| format!("'{prefix}' is not a prefix length"))?;
    let network = Network { address, prefix, v6 };
    if prefix > network.bits() {
        return Err(format!("/{prefix} is longer than the address"));
    }
    if address & network.host_mask() != 0 {
        return Err(format!("'{text}' has host bits set"));
    }
    Ok(network)
}

fn text(node: &Node) -> Option<&str> {
    node.value.as_str()
}

fn string(s: String, ctx: &Ctx) -> Node {
    Node::new(Value::String(s), ctx.origin)
}

fn not_computed(function: &str, why: String, ctx: &Ctx) -> Value {
    Value::unknown(format!("`{function}()` is not computed: {why}"), ctx.origin)
}

fn parse_cidr(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let n = match network(text(&args[0])?) {
        Ok(n) => n,
        Err(why) => return Some(not_computed("parseCidr", why, ctx)),
    };
    let shown = |a| n.show(a).map(|s| string(s, ctx));
    let mut members = vec![("network".to_string(), shown(n.address)?), ("netmask".to_string(), shown(n.netmask())?)];
    if n.v6 {
        members.push(("firstUsable".into(), shown(n.address)?));
        members.push(("lastUsable".into(), shown(n.last())?));
    } else {
        if n.prefix > 30 {
            return Some(not_computed(
                "parseCidr",
                format!("the usable range of a /{} is not documented", n.prefix),
                ctx,
            ));
        }
        members.push(("broadcast".into(), shown(n.last())?));
        members.push(("firstUsable".into(), shown(n.address + 1)?));
        members.push(("lastUsable".into(), shown(n.last() - 1)?));
    }
    members.push(("cidr".into(), Node::new(Value::Int(i64::from(n.prefix)), ctx.origin)));
    Some(Value::Object(members))
}

fn cidr_subnet(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let (Value::Int(new_prefix), Value::Int(index)) = (&args[1].value, &args[2].value) else { return None };
    let n = match network(text(&args[0])?) {
        Ok(n) => n,
        Err(why) => return Some(not_computed("cidrSubnet", why, ctx)),
    };
    let Some(new_prefix) = u32::try_from(*new_prefix).ok().filter(|p| *p >= n.prefix && *p <= n.bits()) else {
        return Some(not_computed("cidrSubnet", format!("/{new_prefix} is not within /{}", n.prefix), ctx));
    };
    let split = new_prefix - n.prefix;
    let count = if split >= 127 { None } else { Some(1u128 << split) };
    let Some(index) = u128::try_from(*index).ok().filter(|i| count.is_none_or(|c| *i < c)) else {
        return Some(not_computed("cidrSubnet", format!("subnet {index} is out of range"), ctx));
    };
    let host_bits = n.bits() - new_prefix;
    let offset = if host_bits >= 128 { 0 } else { index << host_bits };
    let subnet = n.address | offset;
    Some(Value::String(format!("{}/{new_prefix}", n.show(subnet)?)))
}

/// `cidrHost(network, index)`: index 0 is the address after the network's first.
fn cidr_host(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let Value::Int(index) = &args[1].value else { return None };
    let n = match network(text(&args[0])?) {
        Ok(n) => n,
        Err(why) => return Some(not_computed("cidrHost", why, ctx)),
    };
    if !n.v6 && n.prefix > 30 {
        return Some(not_computed("cidrHost", format!("the usable range of a /{} is not documented", n.prefix), ctx));
    }
    let last_usable = if n.v6 { n.last() } else { n.last() - 1 };
    let host = u128::try_from(*index).ok().and_then(|i| n.address.checked_add(1)?.checked_add(i));
    let Some(host) = host.filter(|h| *h <= last_usable) else {
        return Some(not_computed("cidrHost", format!("host {index} is out of range"), ctx));
    };
    Some(Value::String(n.show(host)?))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, int, object, s, unknown_param};
    use crate::model::Value;

    #[test]
    fn parse_cidr_matches_the_docs() {
        let v4 = object(vec![
            ("network", s("10.144.0.0")),
            ("netmask", s("255.255.240.0")),
            ("broadcast", s("10.144.15.255")),
            ("firstUsable", s("10.144.0.1")),
            ("lastUsable", s("10.144.15.254")),
            ("cidr", int(20)),
        ]);
        assert_eq!(call("parseCidr", vec![s("10.144.0.0/20")]), v4);
        let v6 = object(vec![
            ("network", s("fdad:3236:5555::")),
            ("netmask", s("ffff:ffff:ffff::")),
            ("firstUsable", s("fdad:3236:5555::")),
            ("lastUsable", s("fdad:3236:5555:ffff:ffff:ffff:ffff:ffff")),
            ("cidr", int(48)),
        ]);
        assert_eq!(call("parseCidr", vec![s("fdad:3236:5555::/48")]), v6);
        let Value::Object(all) = call("parseCidr", vec![s("0.0.0.0/0")]) else { panic!() };
        assert_eq!(all[2].1.value, s("255.255.255.255"));
    }

    #[test]
    fn what_the_docs_leave_open_is_unknown() {
        for bad in ["10.0.0.1/24", "10.0.0.0/33", "10.0.0.0", "nonsense/8", "10.0.0.0/31", "::5/128"] {
            assert!(matches!(call("parseCidr", vec![s(bad)]), Value::Unknown(u) if u.sym.is_none()), "{bad}");
        }
        assert!(matches!(call("parseCidr", vec![unknown_param("p")]), Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn cidr_subnet_matches_the_docs() {
        let v4: Vec<Value> = (0..5).map(|i| call("cidrSubnet", vec![s("10.144.0.0/20"), int(24), int(i)])).collect();
        assert_eq!(v4, ["10.144.0.0/24", "10.144.1.0/24", "10.144.2.0/24", "10.144.3.0/24", "10.144.4.0/24"].map(s));
        let v6: Vec<Value> =
            (0..5).map(|i| call("cidrSubnet", vec![s("fdad:3236:5555::/48"), int(52), int(i)])).collect();
        let expected = [
            "fdad:3236:5555::/52",
            "fdad:3236:5555:1000::/52",
            "fdad:3236:5555:2000::/52",
            "fdad:3236:5555:3000::/52",
            "fdad:3236:5555:4000::/52",
        ];
        assert_eq!(v6, expected.map(s));
        assert_eq!(call("cidrSubnet", vec![s("10.0.0.0/8"), int(8), int(0)]), s("10.0.0.0/8"));
        for (prefix, index) in [(24, 16), (24, -1), (7, 0), (33, 0)] {
            let got = call("cidrSubnet", vec![s("10.144.0.0/20"), int(prefix), int(index)]);
            assert!(matches!(got, Value::Unknown(u) if u.sym.is_none()), "{prefix} {index}");
        }
        assert_eq!(call("cidrSubnet", vec![s("::/0"), int(128), int(0)]), s("::/128"));
    }

    #[test]
    fn cidr_host_matches_the_docs() {
        let v4: Vec<Value> = (0..5).map(|i| call("cidrHost", vec![s("10.144.3.0/24"), int(i)])).collect();
        assert_eq!(v4, ["10.144.3.1", "10.144.3.2", "10.144.3.3", "10.144.3.4", "10.144.3.5"].map(s));
        let v6: Vec<Value> = (0..5).map(|i| call("cidrHost", vec![s("fdad:3236:5555:3000::/52"), int(i)])).collect();
        let expected = [
            "fdad:3236:5555:3000::1",
            "fdad:3236:5555:3000::2",
            "fdad:3236:5555:3000::3",
            "fdad:3236:5555:3000::4",
            "fdad:3236:5555:3000::5",
        ];
        assert_eq!(v6, expected.map(s));
        assert_eq!(call("cidrHost", vec![s("192.168.1.0/24"), int(253)]), s("192.168.1.254"));
        assert!(matches!(call("cidrHost", vec![s("192.168.1.0/24"), int(254)]), Value::Unknown(_)));
        assert!(matches!(call("cidrHost", vec![s("192.168.1.0/24"), int(-1)]), Value::Unknown(_)));
    }
}
