//! argon2id (m=19 MiB, t=2, p=1) computed in memory the caller owns. A hashing thread keeps one
//! `Memory` and reuses it for every hash, so hashing allocates nothing per password: a fresh
//! 19 MiB buffer per hash, freed on whichever thread ran it, is memory the allocator keeps.
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), the format the
//! `argon2` crate writes and reads itself.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const OUTPUT_LEN: usize = 32;
/// Salts and outputs longer than this are not ours; `password_hash` caps both at 64 bytes.
const MAX_LEN: usize = 64;

fn params() -> Params {
    Params::new(M_COST_KIB, T_COST, 1, Some(OUTPUT_LEN)).unwrap_or_default()
}

/// The working memory of one argon2 computation at our parameters.
pub struct Memory(Vec<Block>);

impl Memory {
    pub fn new() -> Self {
        Self(vec![Block::new(); params().block_count()])
    }

    /// Fills `out` with the hash of `password`. A stored hash whose parameters need more memory
    /// than ours (never written by this server) gets a buffer of its own for that one hash.
    fn hash_into(
        &mut self,
        argon: &Argon2<'_>,
        needed_blocks: usize,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        if needed_blocks <= self.0.len() {
            argon.hash_password_into_with_memory(password, salt, out, &mut self.0)
        } else {
            argon.hash_password_into(password, salt, out)
        }
    }
}

/// A new PHC hash of `password` with a random salt.
pub fn hash(memory: &mut Memory, password: &[u8]) -> Result<String, String> {
    let params = params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; MAX_LEN];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| e.to_string())?;
    let mut out = [0u8; OUTPUT_LEN];
    memory
        .hash_into(&argon, params.block_count(), password, salt_bytes, &mut out)
        .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Does `password` match the PHC hash `stored`? Anything unparsable is a mismatch.
pub fn verify(memory: &mut Memory, password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_buf = [0u8; MAX_LEN];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = [0u8; MAX_LEN];
    let Some(out) = out.get_mut(..expected.len()) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    memory
        .hash_into(&argon, params.block_count(), password, salt_bytes, out)
        .is_ok()
        && bool::from(out.ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let mut memory = Memory::new();
        let hash = hash(&mut memory, b"correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify(&mut memory, b"correct horse battery", &hash));
        assert!(!verify(&mut memory, b"correct horse batterx", &hash));
        assert!(!verify(&mut memory, b"anything", "not a hash"));
        assert!(!verify(
            &mut memory,
            b"anything",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA"
        ));
    }

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_format_both_ways() {
        let mut memory = Memory::new();
        let ours = hash(&mut memory, b"pw-one").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"pw-one", &parsed)
            .is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"pw-two", &salt)
            .unwrap()
            .to_string();
        assert!(verify(&mut memory, b"pw-two", &theirs));
    }

    #[test]
    fn a_hash_with_other_parameters_still_verifies() {
        let salt = SaltString::generate(&mut OsRng);
        let small = Params::new(8 * 1024, 1, 1, None).unwrap();
        let big = Params::new(24 * 1024, 1, 1, None).unwrap();
        let mut memory = Memory::new();
        for params in [small, big] {
            let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            assert!(verify(&mut memory, b"pw", &stored), "{stored}");
            assert!(!verify(&mut memory, b"px", &stored), "{stored}");
        }
    }
}
