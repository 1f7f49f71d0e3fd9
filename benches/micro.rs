//! Micro-benchmarks of the pieces every service-token request runs: scope matching, token
//! parsing + verification, and sealing/opening a secret value. `cargo bench --bench micro`.

use criterion::{criterion_group, criterion_main, Criterion};
use envkeep::crypto::random::{digest_matches, sha256};
use envkeep::crypto::Key32;
use envkeep::domain::{ScopeGlob, SecretPath, ServiceTokenString};
use envkeep::store::secret_aad;
use std::hint::black_box;

fn scope_matching(c: &mut Criterion) {
    let mut group = c.benchmark_group("scope");
    let path = SecretPath::parse("/app/api/config").expect("valid path");
    for glob in [
        "/app",
        "/app/**",
        "/app/*/config",
        "/{app,web}/**/config",
        "/**/deep",
    ] {
        let glob = ScopeGlob::parse(glob).expect("valid glob");
        group.bench_function(format!("matches {}", glob.as_str()), |b| {
            b.iter(|| black_box(&glob).matches(black_box(&path)))
        });
    }
    group.bench_function("parse /{app,web}/**/config", |b| {
        b.iter(|| ScopeGlob::parse(black_box("/{app,web}/**/config")))
    });
    group.finish();
}

fn token_verification(c: &mut Criterion) {
    let token = "st.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210";
    let stored = sha256(b"fedcba9876543210fedcba9876543210");
    let mut group = c.benchmark_group("token");
    group.bench_function("parse", |b| {
        b.iter(|| ServiceTokenString::parse(black_box(token)))
    });
    group.bench_function("parse + verify", |b| {
        b.iter(|| {
            let presented = ServiceTokenString::parse(black_box(token)).expect("well-formed");
            digest_matches(presented.secret.as_bytes(), black_box(&stored))
        })
    });
    group.finish();
}

fn seal_open(c: &mut Criterion) {
    let sealer = Key32::generate().cipher();
    let aad = secret_aad(
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
        "/app",
        "DATABASE_URL",
        "value",
    );
    let value = [b'v'; 64];
    let sealed = sealer.seal(&value, &aad);
    let mut group = c.benchmark_group("secret value (64 bytes)");
    group.bench_function("seal", |b| {
        b.iter(|| sealer.seal(black_box(&value), black_box(&aad)))
    });
    group.bench_function("open", |b| {
        b.iter(|| {
            sealer
                .open(black_box(&sealed), black_box(&aad))
                .expect("opens")
        })
    });
    group.finish();
}

criterion_group!(benches, scope_matching, token_verification, seal_open);
criterion_main!(benches);
