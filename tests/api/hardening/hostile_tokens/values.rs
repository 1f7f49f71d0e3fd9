//! Deterministic (seeded) hostile `Authorization` and cookie values.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const COUNT: usize = 1_000;

pub fn hex(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

/// Bad credentials covering every family the issue names.
pub fn hostile_values(known_id: &str, known_secret: &str) -> Vec<Vec<u8>> {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let id = known_id;
    let mut values: Vec<Vec<u8>> = [
        String::new(),
        String::from("Bearer"),
        String::from("Bearer "),
        String::from("Bearer st."),
        String::from("Bearer st"),
        String::from("Bearer st.."),
        String::from("Bearer ..."),
        format!("Bearer ST.{id}.{known_secret}"),
        format!("Bearer st.{}.{known_secret}", id.to_uppercase()),
        format!("Bearer st.{id}"),
        format!("Bearer st.{id}."),
        format!("Bearer st.{id}.{}", &known_secret[..31]),
        format!("Bearer st.{id}.{known_secret}0"),
        format!("Bearer  st.{id}..{known_secret}"),
        format!("Basic {}", "dXNlcjpwYXNzd29yZA=="),
        format!("Token st.{id}.{known_secret}"),
        format!("st.{id}.{known_secret}"),
        String::from("Bearer ' OR '1'='1"),
        String::from("Bearer st.' OR 1=1 --.x"),
        format!("Bearer st.{id}'; DROP TABLE service_tokens; --.{known_secret}"),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    let sql = [
        "' OR 1=1 --",
        "\" OR \"\"=\"",
        "'; DELETE FROM secrets; --",
        "1 UNION SELECT * FROM users",
        "%27%20OR%201%3D1",
    ];
    let schemes = [
        "Basic",
        "Digest",
        "Token",
        "Negotiate",
        "AWS4-HMAC-SHA256",
        "bearerx",
        "Bearer:",
        "OAuth",
    ];
    let mut i = 0;
    while values.len() < COUNT {
        i += 1;
        let value = match i % 10 {
            0 => format!("Bearer st.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)),
            1 => format!("Bearer st.{id}.{}", hex(&mut rng, 32)),
            2 => format!("Bearer st.{id}.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)),
            3 => {
                let mut bad =
                    format!("st.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)).into_bytes();
                let at = rng.gen_range(3..bad.len());
                bad[at] = *b"gzXG-_!~".get(rng.gen_range(0..8)).unwrap_or(&b'g');
                format!("Bearer {}", String::from_utf8(bad).unwrap_or_default())
            }
            4 => {
                let dots = ".".repeat(rng.gen_range(2..6));
                format!(
                    "Bearer st{dots}{}{dots}{}",
                    hex(&mut rng, 32),
                    hex(&mut rng, 32)
                )
            }
            5 if i % 20 == 5 => format!("Bearer st.{}", hex(&mut rng, 8 * 1024)),
            5 => format!("Bearer {}", hex(&mut rng, 8 * 1024)),
            6 => format!("Bearer st.{id}{}", sql[rng.gen_range(0..sql.len())]),
            7 => {
                let mut raw = b"Bearer st.".to_vec();
                raw.extend((0..rng.gen_range(1..80)).map(|_| rng.gen_range(0x80u8..=0xff)));
                values.push(raw);
                continue;
            }
            8 => format!(
                "{} st.{}.{}",
                schemes[rng.gen_range(0..schemes.len())],
                hex(&mut rng, 32),
                hex(&mut rng, 32)
            ),
            _ => format!("Bearer {}", hex(&mut rng, if i % 3 == 0 { 64 } else { 32 })),
        };
        values.push(value.into_bytes());
    }
    values
}
