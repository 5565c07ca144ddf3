//! Wiring mistakes that must not compile, each with its checked-in compiler message
//! (tests/ui/*.stderr) that names what is missing.

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
