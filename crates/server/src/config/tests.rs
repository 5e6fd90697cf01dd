//! The configuration's tests: keys, origins, the fields listener, webhooks.

use super::*;
#[test]
fn toml_config_and_key_lookup() {
    let c = Config::from_toml(
        "[[merchant]]\nid = \"m\"\npublic_key = \"pk_m\"\nsecret_key = \"sk_m\"\nallowed_origins = [\"https://a.example\"]\n",
    )
    .unwrap();
    assert_eq!(
        c.by_key("sk_m").map(|(m, k)| (m.id.as_str(), k)),
        Some(("m", KeyKind::Secret))
    );
    assert_eq!(c.by_key("pk_m").map(|(_, k)| k), Some(KeyKind::Public));
    assert!(c.by_key("sk_x").is_none());
    assert!(Config::from_toml("").is_err());
    assert!(Config::from_toml(
        "[[merchant]]\nid=\"m\"\npublic_key=\"sk_m\"\nsecret_key=\"sk_n\"\n"
    )
    .is_err());
    assert!(Config::from_toml(
        "[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\ncolor=1\n"
    )
    .is_err());
    assert_eq!(
        Config::default().by_key("sk_test_default").unwrap().0.id,
        "default"
    );
}

#[test]
fn webhook_entries_of_the_config_file() {
    let toml = |w: &str| {
        Config::from_toml(&format!(
            "[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\n[[merchant.webhook]]\n{w}\n"
        ))
    };
    let c = toml("url=\"https://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"").unwrap();
    assert_eq!(c.merchants[0].webhooks[0].types, vec!["*"]);
    assert!(toml("url=\"http://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"").is_err());
    assert!(toml("url=\"https://h.example/\"\nsecret=\"whsec_x\"").is_err());
    assert!(toml(
        "url=\"https://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"\ntypes=[]"
    )
    .is_err());
}

#[test]
fn origins_are_exact() {
    for o in [
        "https://a.example",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
    ] {
        assert!(is_origin(o), "{o}");
    }
    for o in [
        "https://a.example/",
        "https://A.example",
        "https://a.example:443",
        "https://bücher.example",
        "https://u@a.example",
        "ftp://a.example",
        "null",
        "*",
    ] {
        assert!(!is_origin(o), "{o}");
    }
    let toml = |o: &str| {
        format!("[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\nallowed_origins=[{o:?}]\n")
    };
    assert!(Config::from_toml(&toml("https://a.example/")).is_err());
    let c = Config::from_toml(&toml("https://a.example")).unwrap();
    let m = &c.merchants[0];
    assert!(m.allows_origin("https://a.example") && !m.allows_origin("https://b.example"));
    let any = &Config::default().merchants[0];
    assert!(any.allows_origin("https://b.example") && !any.allows_origin("null"));
}

#[test]
fn key_kinds_keep_their_stored_form() {
    // Records written before the enum hold these strings: they must read back.
    assert_eq!(KeyKind::Public.as_str(), "pk");
    assert_eq!(KeyKind::Secret.as_str(), "sk");
}

#[test]
fn the_fields_origin_listens_beside_the_api_unless_off() {
    let api: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let at = |s: &str, a: std::net::SocketAddr| s.parse::<FieldsListen>().unwrap().address(a);
    assert_eq!(at("", api).as_deref(), Some("127.0.0.1:8081"));
    assert_eq!(
        at("", "[::1]:9000".parse().unwrap()).as_deref(),
        Some("[::1]:9001")
    );
    assert_eq!(
        at("", "127.0.0.1:0".parse().unwrap()).as_deref(),
        Some("127.0.0.1:0")
    );
    assert_eq!(
        at("", "127.0.0.1:65535".parse().unwrap()).as_deref(),
        Some("127.0.0.1:0")
    );
    assert_eq!(at("10.0.0.1:7000", api).as_deref(), Some("10.0.0.1:7000"));
    assert_eq!(at("off", api), None);
}

#[test]
fn public_url_from_configuration_or_the_listener() {
    let at = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
    assert_eq!(
        public_url(None, at("127.0.0.1:9000")).unwrap(),
        ("http://127.0.0.1:9000".into(), None)
    );
    let (u, warn) = public_url(None, at("0.0.0.0:9000")).unwrap();
    assert_eq!(u, "http://127.0.0.1:9000");
    assert!(warn.is_some());
    assert_eq!(
        public_url(None, at("[::]:9000")).unwrap().0,
        "http://[::1]:9000"
    );
    assert_eq!(
        public_url(Some("https://Pay.Bücher.example/"), at("0.0.0.0:1")).unwrap(),
        ("https://pay.xn--bcher-kva.example".into(), None)
    );
    assert_eq!(
        public_url(Some("https://pay.example/base/"), at("0.0.0.0:1"))
            .unwrap()
            .0,
        "https://pay.example/base"
    );
    for bad in [
        "pay.example",
        "ftp://pay.example",
        "https://pay.example/?a=1",
        "https://u:p@pay.example",
    ] {
        assert!(public_url(Some(bad), at("0.0.0.0:1")).is_err(), "{bad}");
    }
}

#[test]
fn the_fields_origin_beside_a_free_api_port_is_free_too() {
    // `--listen 127.0.0.1:0` bound to 41234: the fields origin asks for a free
    // port, not 41235 (three instances in one test run failed to start on it).
    let bound: std::net::SocketAddr = "127.0.0.1:41234".parse().unwrap();
    let beside = |listen: &str| FieldsListen::Beside.address(asked_address(listen, bound));
    assert_eq!(beside("127.0.0.1:0").as_deref(), Some("127.0.0.1:0"));
    assert_eq!(beside("localhost:0").as_deref(), Some("127.0.0.1:0"));
    assert_eq!(
        beside("127.0.0.1:41234").as_deref(),
        Some("127.0.0.1:41235")
    );
    assert_eq!(beside("[::1]:0").as_deref(), Some("127.0.0.1:0"));
}
