//! How much one folder and one project may hold, and the byte sizes settings are written in.

/// Storage limits (`ENVKEEP_MAX_SECRETS_PER_FOLDER`, `ENVKEEP_MAX_SECRETS_PER_PROJECT`,
/// `ENVKEEP_MAX_PROJECT_BYTES`). Sealed bytes are the stored ciphertexts of values and comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageLimits {
    pub secrets_per_folder: u64,
    pub secrets_per_project: u64,
    pub sealed_bytes_per_project: u64,
}

impl Default for StorageLimits {
    fn default() -> Self {
        Self {
            secrets_per_folder: 1_000,
            secrets_per_project: 50_000,
            sealed_bytes_per_project: 256 * MIB,
        }
    }
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// A byte size as settings write it: `268435456`, `512KiB`, `256MiB`, `1GiB` (binary units;
/// `K`/`M`/`G` and `KB`/`MB`/`GB` mean the same, case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let scale = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => KIB,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => GIB,
        _ => return Err(format!("'{text}' is not a size such as 256MiB or 1GiB")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("'{text}' is not a size such as 256MiB or 1GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_units() {
        for (text, bytes) in [
            ("1024", 1024),
            ("512KiB", 512 * 1024),
            ("256MiB", 256 << 20),
            ("256 mb", 256 << 20),
            ("1G", 1 << 30),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in [
            "",
            "MiB",
            "12 apples",
            "-1",
            "1.5GiB",
            "99999999999999999999GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
