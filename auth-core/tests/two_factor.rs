//! Two-factor building blocks against what Better Auth 1.7.25 recorded
//! (shared spec `better-auth-2fa-transcripts.md`, section A): its encrypted `"twoFactor"` row
//! decrypts with the recording's secret, the secret gives the recorded `totpURI` and the codes
//! the recorder sent, and our encryption is in the same format.

use auth_core::model::Timestamp;
use auth_core::two_factor::{
    BackupCodes, CryptoError, SecretKeys, Totp, TotpSecret, TwoFactorError, counter_at, totp_uri,
};

/// The recording's auth secret (the same as the core transcripts', see
/// tests/conformance/tests/golden.rs).
const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";

/// Step 6 (`enable`): the stored `"twoFactor"."secret"` and `"backupCodes"`.
const STEP6_SECRET_COLUMN: &str = "e70712702e549c25c60ccfa952a09b363a49b99908154791d7a3bc129a860268e93291ce18387a34a558ff730ff71259c861a05c8411fcb7ea8df8572fdc5221694844d4595d5721";
const STEP6_BACKUP_CODES_COLUMN: &str = "cf74c869d10f8471047a262d1a15081a43fa9a2363740ab2f609cc29ffd2bb0b597803f11294e02cde0f62b28240428ebbd309bcd26a0ecc77f74067228fbd9832789d0175457eb1027d8752539a4e36a6fd693386a0dc329155828200f1baa292d2f71b333f3a1c1d820060103f8a302732c56ae187b20d901e63cb036fe7181bb95fbbfd029e33a9eab3917696e53a9d6f801534f9952c7b824e28645906a2c1da01bb505cc71ca77102b6db4caa5bf613443004";
const STEP6_SECRET: &str = "7smY8n2E3iKmk2eMqi32skoK7dBOICpK";
const STEP6_BACKUP_CODES: [&str; 10] = [
    "L0ugJ-wEHKd",
    "SeEJC-h5L0J",
    "kLT4V-hWRqu",
    "tnkDq-KMJHy",
    "I9RK1-KgOUr",
    "AA3FV-QFCXU",
    "5gRku-LeFAu",
    "FZh8s-UPLwe",
    "GMr0y-fSU7A",
    "Bx26S-DAWoj",
];
const STEP6_URI: &str = "otpauth://totp/Example:alice.mx2714k1%40example.com?secret=G5ZW2WJYNYZEKM3JJNWWWMTFJVYWSMZSONVW6SZXMRBE6SKDOBFQ&issuer=Example&digits=6&period=30";

/// Step 7 (`enable` again, `issuer: "Other Issuer"`): the new secret (decrypted by the
/// recorder) and the URI.
const STEP7_SECRET: &str = "dv8OGX_ZJE13MptCL4xRw6DVWNLQ5Kw8";
const STEP7_URI: &str = "otpauth://totp/Other%20Issuer:alice.mx2714k1%40example.com?secret=MR3DQT2HLBPVUSSFGEZU24DUINGDI6CSO43EIVSXJZGFCNKLO44A&issuer=Other+Issuer&digits=6&period=30";
const EMAIL: &str = "alice.mx2714k1@example.com";

/// Steps 14, 17, 21 and 22: the codes the recorder sent for the step-7 secret, all at
/// `Date: Sun, 29 Nov 2026 18:49:30 GMT`, a step boundary (1795978170 = 30 × 59865939).
const RECORDED_AT: i64 = 1_795_978_170;
const CODE_NOW: &str = "302634";
const CODE_PREVIOUS: &str = "479481";
const CODE_NEXT: &str = "215947";
const CODE_TWO_BACK: &str = "553555";

fn recorded_at() -> Timestamp {
    Timestamp::from_unix_millis(RECORDED_AT * 1000).expect("in range")
}

#[test]
fn better_auths_stored_secret_and_backup_codes_decrypt() {
    let keys = SecretKeys::new(SECRET);
    let secret = keys.decrypt(STEP6_SECRET_COLUMN).expect("secret decrypts");
    assert_eq!(secret.as_str(), STEP6_SECRET);
    let codes = BackupCodes::decrypt(STEP6_BACKUP_CODES_COLUMN, &keys).expect("codes decrypt");
    assert_eq!(codes.codes(), STEP6_BACKUP_CODES);
    assert_eq!(
        keys.decrypt(STEP6_BACKUP_CODES_COLUMN)
            .expect("decrypts")
            .as_str(),
        format!(r#"["{}"]"#, STEP6_BACKUP_CODES.join(r#"",""#)),
        "the compact JSON array"
    );
    // Another secret cannot read it.
    assert_eq!(
        SecretKeys::new("another secret").decrypt(STEP6_SECRET_COLUMN),
        Err(CryptoError::Decrypt)
    );
}

#[test]
fn the_recorded_totp_uris_are_rebuilt_from_the_secret() {
    let step6 = TotpSecret::new(
        SecretKeys::new(SECRET)
            .decrypt(STEP6_SECRET_COLUMN)
            .expect("decrypts")
            .as_str(),
    );
    assert_eq!(
        totp_uri(&step6, "Example", EMAIL).expect("uri").as_str(),
        STEP6_URI
    );
    // The key is the 32 ASCII bytes of the stored string.
    assert_eq!(
        step6.key().expect("key").as_slice(),
        STEP6_SECRET.as_bytes()
    );
    let step7 = TotpSecret::new(STEP7_SECRET);
    assert_eq!(
        totp_uri(&step7, "Other Issuer", EMAIL)
            .expect("uri")
            .as_str(),
        STEP7_URI
    );
}

#[test]
fn the_recorded_codes_are_ours() {
    let totp = Totp::new(&TotpSecret::new(STEP7_SECRET)).expect("totp");
    let now = recorded_at();
    let counter = counter_at(now);
    assert_eq!(counter, 59_865_939);
    assert_eq!(totp.code_for_counter(counter).as_str(), CODE_NOW);
    assert_eq!(totp.code_for_counter(counter - 1).as_str(), CODE_PREVIOUS);
    assert_eq!(totp.code_for_counter(counter + 1).as_str(), CODE_NEXT);
    assert_eq!(totp.code_for_counter(counter - 2).as_str(), CODE_TWO_BACK);

    // As Better Auth answered: ±1 step accepted, −2 refused (step 14).
    assert_eq!(totp.verify(CODE_NOW, now, None), Some(counter));
    assert_eq!(totp.verify(CODE_PREVIOUS, now, None), Some(counter - 1));
    assert_eq!(totp.verify(CODE_NEXT, now, None), Some(counter + 1));
    assert_eq!(totp.verify(CODE_TWO_BACK, now, None), None);

    // Where we differ (finding 3): step 20 replayed the code of step 17 and Better Auth took
    // it, and step 21 an older step's; with the counter of step 17 remembered, both are refused
    // and only a later step (22) passes.
    let used = totp.verify(CODE_NOW, now, None).expect("step 17");
    assert_eq!(totp.verify(CODE_NOW, now, Some(used)), None, "step 20");
    assert_eq!(totp.verify(CODE_PREVIOUS, now, Some(used)), None, "step 21");
    assert_eq!(
        totp.verify(CODE_NEXT, now, Some(used)),
        Some(counter + 1),
        "step 22"
    );
}

#[test]
fn our_encryption_is_better_auths_format() {
    let keys = SecretKeys::new(SECRET);
    let secret = TotpSecret::generate();
    let column = keys.encrypt(secret.expose());
    assert_eq!(column.len(), 144, "2 × (24 nonce + 32 plaintext + 16 tag)");
    assert!(
        column
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    );
    assert_eq!(
        keys.decrypt(&column).expect("round trip").as_str(),
        secret.expose()
    );
    let codes = BackupCodes::generate();
    let codes_column = codes.encrypt(&keys);
    assert_eq!(codes_column.len(), 362);
    assert_eq!(
        BackupCodes::decrypt(&codes_column, &keys).expect("round trip"),
        codes
    );
}

#[test]
fn tampered_values_are_refused() {
    let keys = SecretKeys::new(SECRET);
    let flip = |column: &str, at: usize| {
        let mut bytes = column.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        String::from_utf8(bytes).expect("hex")
    };
    // In the nonce, the ciphertext and the tag.
    for at in [0, 47, 48, 100, 143] {
        assert_eq!(
            keys.decrypt(&flip(STEP6_SECRET_COLUMN, at)),
            Err(CryptoError::Decrypt),
            "byte {at}"
        );
    }
    // Truncated, extended, odd length, not hex.
    assert_eq!(
        keys.decrypt(&STEP6_SECRET_COLUMN[..142]),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        keys.decrypt(&format!("{STEP6_SECRET_COLUMN}00")),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        keys.decrypt(&STEP6_SECRET_COLUMN[..143]),
        Err(CryptoError::Format)
    );
    assert_eq!(
        keys.decrypt(&STEP6_SECRET_COLUMN.replace('e', "g")),
        Err(CryptoError::Format)
    );
    assert_eq!(
        BackupCodes::decrypt(&flip(STEP6_BACKUP_CODES_COLUMN, 300), &keys),
        Err(TwoFactorError::Crypto(CryptoError::Decrypt))
    );
}

#[test]
fn versioned_secrets() {
    // Better Auth's versioned column `$ba$<version>$<hex>`, here with the recorded value under
    // version 3 whose secret is the recording's; the plain secret is another one.
    let keys = SecretKeys::new("the legacy secret").with_version(3, SECRET);
    let versioned = format!("$ba$3${STEP6_SECRET_COLUMN}");
    assert_eq!(
        keys.decrypt(&versioned).expect("version 3").as_str(),
        STEP6_SECRET
    );
    // A bare value is read with the plain secret only.
    assert_eq!(keys.decrypt(STEP6_SECRET_COLUMN), Err(CryptoError::Decrypt));
    // Unknown version, malformed prefixes.
    assert_eq!(
        keys.decrypt(&format!("$ba$4${STEP6_SECRET_COLUMN}")),
        Err(CryptoError::UnknownVersion(4))
    );
    for bad in [
        format!("$ba$${STEP6_SECRET_COLUMN}"),
        format!("$ba$-3${STEP6_SECRET_COLUMN}"),
        format!("$ba$3{STEP6_SECRET_COLUMN}"),
        format!("$ba$99999999999${STEP6_SECRET_COLUMN}"),
    ] {
        assert_eq!(keys.decrypt(&bad), Err(CryptoError::Format), "{bad}");
    }

    // Writing under a current version: `$ba$<version>$` and that version's key.
    let writer = SecretKeys::new("the legacy secret")
        .with_version(3, SECRET)
        .with_current_version(4, "version four");
    let column = writer.encrypt(STEP6_SECRET);
    assert!(column.starts_with("$ba$4$"), "{column}");
    assert_eq!(column.len(), "$ba$4$".len() + 144);
    assert_eq!(writer.decrypt(&column).expect("own").as_str(), STEP6_SECRET);
    assert_eq!(
        writer.decrypt(&versioned).expect("older version").as_str(),
        STEP6_SECRET
    );
    // A reader without version 4 refuses it cleanly.
    assert_eq!(keys.decrypt(&column), Err(CryptoError::UnknownVersion(4)));
    // Bare values written before versions were configured still read with the plain secret.
    let before = SecretKeys::new("the legacy secret").encrypt("old");
    assert_eq!(writer.decrypt(&before).expect("legacy").as_str(), "old");
}

#[test]
fn debug_output_carries_no_secret() {
    let keys = SecretKeys::new(SECRET).with_current_version(2, "second");
    let secret = TotpSecret::new(STEP6_SECRET);
    let codes = BackupCodes::decrypt(STEP6_BACKUP_CODES_COLUMN, &keys).expect("codes");
    let totp = Totp::new(&secret).expect("totp");
    for shown in [
        format!("{keys:?}"),
        format!("{secret:?}"),
        format!("{codes:?}"),
        format!("{totp:?}"),
    ] {
        assert!(
            !shown.contains(SECRET) && !shown.contains("second"),
            "{shown}"
        );
        assert!(!shown.contains(STEP6_SECRET), "{shown}");
        assert!(!shown.contains("L0ugJ"), "{shown}");
    }
}
