//! USM known answers: RFC 3414 Appendix A (A.3 and A.5), the SHA-2
//! values of RFC 7860's algorithms, and the keys net-snmp 5.9.3 derives
//! for the users of the interop configuration, both AES-192/256 key
//! extensions included (all listed in corpus/README.md). The values are
//! written here because they are published constants, not corpus files.

use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};
use netmon_testkit::{hex, to_hex as h};

#[test]
fn rfc3414_and_sha2_password_to_key_and_localisation() {
    let engine = hex("000000000000000000000002");
    let table = [
        (
            AuthProtocol::Md5,
            "9faf3283884e92834ebc9847d8edd963",
            "526f5eed9fcce26f8964c2930787d82b",
        ),
        (
            AuthProtocol::Sha1,
            "9fb5cc0381497b3793528939ff788d5d79145211",
            "6695febc9288e36282235fc7151f128497b38f3f",
        ),
        (
            AuthProtocol::Sha224,
            "282a5867ee9aac639ad59df9572c7d3ac0fbc13a905b6df07dbbf00b",
            "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674",
        ),
        (
            AuthProtocol::Sha256,
            "ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac",
            "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b",
        ),
        (
            AuthProtocol::Sha384,
            "e06eccdf2c68a06ed034723c9c26e0db3b669e1e2efed49150b55377a2e98f383c86fb836857444654b287c93f51ff64",
            "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f0455a53689a3937eea07319a633d2ccba78",
        ),
        (
            AuthProtocol::Sha512,
            "7e4396de5aadc77be853819b98c9406265b3a9c37cc3176569847a4e4f6fba63dd3a73d04924d31a63f95a601f9385af6be4ed1b37f87d040f7c6ed6f8d38a91",
            "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b",
        ),
    ];
    for (proto, ku, kul) in table {
        let got_ku = proto.password_to_key(b"maplesyrup").unwrap();
        assert_eq!(h(&got_ku), ku, "{proto:?} Ku");
        assert_eq!(h(&proto.localize(&got_ku, &engine)), kul, "{proto:?} Kul");
        assert_eq!(got_ku.len(), proto.digest_len());
    }
}

#[test]
fn rfc3414_a5_new_password() {
    let engine = hex("000000000000000000000002");
    assert_eq!(
        h(&AuthProtocol::Md5
            .localized_key(b"newsyrup", &engine)
            .unwrap()),
        "87021d7bd9d101ba05ea6e3bf9d9bd4a"
    );
    assert_eq!(
        h(&AuthProtocol::Sha1
            .localized_key(b"newsyrup", &engine)
            .unwrap()),
        "78e2dcce79d59403b58c1bbaa5bff46391f1cd25"
    );
}

#[test]
fn mac_lengths() {
    let lens: Vec<usize> = AuthProtocol::ALL.iter().map(|p| p.mac_len()).collect();
    assert_eq!(lens, [12, 12, 16, 24, 32, 48]);
}

#[test]
fn netsnmp_interop_user_keys_with_both_key_extensions() {
    let engine = hex("80001f88046e65746d6f6e74657374");
    let md5 = "6f461e1ab22a00f92087834d70430c84";
    let sha1 = "6fd2fc731c47614fb3220b5d21797fc323b244af";
    let table: [(AuthProtocol, Option<PrivProtocol>, &str, &str); 10] = [
        (
            AuthProtocol::Md5,
            Some(PrivProtocol::Des),
            md5,
            "3e397244d91817aa3ccfabfee9c0a78a",
        ),
        (
            AuthProtocol::Sha1,
            Some(PrivProtocol::Aes128),
            sha1,
            "7139e30136d1eaa4ad2cca346a0242f3",
        ),
        (
            AuthProtocol::Sha224,
            Some(PrivProtocol::Aes192),
            "7199e0cfd049ba95ea4897d595f2f127f5bdbced27e16c0fce888cab",
            "fbdbb1d36db975be78e329c4db6a57ee582cad4e964f938c",
        ),
        (
            AuthProtocol::Sha256,
            Some(PrivProtocol::Aes256),
            "43d23ce3bde7ee96fe58ae5c3415a474d63411f2a23cf948497982269a69a792",
            "64122a4eced2598c4f9aabe56b6bf37163d00c18a27e9ba6a6088e7e34377b9d",
        ),
        (
            AuthProtocol::Sha384,
            Some(PrivProtocol::Aes256),
            "cbce8126739ec0a170a227d4e6df4c36ac0b43b259f71e2e8e2c30ce21f9ce16c414a5ae90496d09d36090f661c0cdaf",
            "a832441117ee05a8caf64b8ef830bf9104d6d9fffcdb018ce106f713ebd0ce32",
        ),
        (
            AuthProtocol::Sha512,
            None,
            "8e1b757c0c060b88d39f24675a3ba1dca1d177041066c628b7309c81d4a3ed3b2e29e3d25a94c37e66f85becbbb495b3a12920e8bb84dd89d4ef317c40e8f7fd",
            "",
        ),
        (
            AuthProtocol::Md5,
            Some(PrivProtocol::Aes192),
            md5,
            "3e397244d91817aa3ccfabfee9c0a78a85dff12621393ecf",
        ),
        (
            AuthProtocol::Sha1,
            Some(PrivProtocol::Aes256),
            sha1,
            "7139e30136d1eaa4ad2cca346a0242f39e42e322560b0d85193313d333a53646",
        ),
        (
            AuthProtocol::Md5,
            Some(PrivProtocol::Aes192Reeder),
            md5,
            "3e397244d91817aa3ccfabfee9c0a78a3597c2336f192349",
        ),
        (
            AuthProtocol::Sha1,
            Some(PrivProtocol::Aes256Reeder),
            sha1,
            "7139e30136d1eaa4ad2cca346a0242f39e42e32216c928f86cd5de7ebb996e96",
        ),
    ];
    for (auth, privacy, auth_key, priv_key) in table {
        let mut user = UsmUser::new("u").with_auth(auth, b"authpass123").unwrap();
        if let Some(p) = privacy {
            user = user.with_privacy(p, b"privpass123").unwrap();
        }
        let keys = user.localize(&engine);
        let a = keys.auth.as_ref().unwrap();
        assert_eq!(h(a.key().expose()), auth_key, "{auth:?} auth key");
        match (privacy, &keys.privacy) {
            (Some(p), Some(k)) => {
                assert_eq!(h(k.key().expose()), priv_key, "{auth:?}/{p:?} privacy key");
                assert_eq!(k.key().expose().len(), p.key_len());
            }
            (None, None) => {}
            other => panic!("privacy mismatch {other:?}"),
        }
    }
}
