//! The end-to-end-encrypted read path, in Infisical's shapes (reference §2, §6.1, §6.2):
//! `GET /api/v2/service-token` returns the project key wrapped under the token's key part, and
//! `GET /api/v3/secrets` returns names and values encrypted under the project key. Both are
//! opened here, so the server never needs to send a plaintext value.

use super::exit::{ClientError, DENIED};
use super::secret::Secret;
use super::target::{Scope, TokenInfo};
use crate::crypto::wire::{self, WireCiphertext};
use serde::Deserialize;
use zeroize::Zeroizing;

/// `GET /api/v2/service-token`: the fields this client reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenDetails {
    project_id: Option<String>,
    /// Older clients read `workspace`; Infisical sends both.
    workspace: Option<String>,
    #[serde(default)]
    scopes: Vec<Scope>,
    #[serde(default)]
    encrypted_key: String,
    #[serde(default)]
    iv: String,
    #[serde(default)]
    tag: String,
}

impl TokenDetails {
    pub fn info(&self) -> Result<TokenInfo, ClientError> {
        let project_id = self
            .project_id
            .clone()
            .or_else(|| self.workspace.clone())
            .ok_or_else(|| {
                ClientError::unexpected(
                    "the token details name no project (neither projectId nor workspace)",
                )
            })?;
        Ok(TokenInfo {
            project_id,
            scopes: self.scopes.clone(),
            ..TokenInfo::default()
        })
    }

    /// Opens the project key (32 ASCII characters) with the token's key part.
    pub fn project_key(&self, token_key: Option<&str>) -> Result<Zeroizing<String>, ClientError> {
        let token_key = token_key.ok_or_else(|| {
            ClientError::usage(
                "--e2ee needs the full token st.<id>.<secret>.<key>; this one has no key part",
            )
        })?;
        if self.encrypted_key.is_empty() {
            return Err(ClientError::new(
                DENIED,
                "the server holds no wrapped project key for this token, so it cannot decrypt end-to-end; drop --e2ee",
            ));
        }
        let wrapped = WireCiphertext {
            ciphertext: self.encrypted_key.clone(),
            iv: self.iv.clone(),
            tag: self.tag.clone(),
        };
        let plain = wire::decrypt(token_key, &wrapped).map_err(|_| {
            ClientError::new(DENIED, "the token's key part does not decrypt the project key (was the token copied whole?)")
        })?;
        let key = Zeroizing::new(
            String::from_utf8(plain)
                .map_err(|_| ClientError::unexpected("the project key is not text"))?,
        );
        if key.len() != 32 {
            return Err(ClientError::unexpected(
                "the project key is not 32 characters long",
            ));
        }
        Ok(key)
    }
}

/// One secret of `GET /api/v3/secrets` (or the `secret` of `/api/v3/secrets/{name}`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptedSecret {
    secret_key_ciphertext: String,
    #[serde(rename = "secretKeyIV")]
    secret_key_iv: String,
    secret_key_tag: String,
    secret_value_ciphertext: String,
    #[serde(rename = "secretValueIV")]
    secret_value_iv: String,
    secret_value_tag: String,
    #[serde(default)]
    secret_comment_ciphertext: Option<String>,
    #[serde(default, rename = "secretCommentIV")]
    secret_comment_iv: Option<String>,
    #[serde(default)]
    secret_comment_tag: Option<String>,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    secret_path: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct EncryptedList {
    pub secrets: Vec<EncryptedSecret>,
}

#[derive(Debug, Deserialize)]
pub struct EncryptedOne {
    pub secret: EncryptedSecret,
}

/// Opens one field. All three parts empty means the empty string, as Infisical's Go CLI reads it.
fn open(
    project_key: &str,
    ciphertext: &str,
    iv: &str,
    tag: &str,
    what: &str,
) -> Result<String, ClientError> {
    if ciphertext.is_empty() && iv.is_empty() && tag.is_empty() {
        return Ok(String::new());
    }
    let wire = WireCiphertext {
        ciphertext: ciphertext.to_owned(),
        iv: iv.to_owned(),
        tag: tag.to_owned(),
    };
    let plain = wire::decrypt(project_key, &wire)
        .map_err(|e| ClientError::unexpected(format!("cannot decrypt a secret's {what}: {e}")))?;
    String::from_utf8(plain)
        .map_err(|_| ClientError::unexpected(format!("a secret's {what} is not UTF-8")))
}

impl EncryptedSecret {
    pub fn decrypt(
        &self,
        project_key: &str,
        environment: &str,
        path: &str,
    ) -> Result<Secret, ClientError> {
        let key = open(
            project_key,
            &self.secret_key_ciphertext,
            &self.secret_key_iv,
            &self.secret_key_tag,
            "name",
        )?;
        let value = open(
            project_key,
            &self.secret_value_ciphertext,
            &self.secret_value_iv,
            &self.secret_value_tag,
            "value",
        )?;
        let comment = match (
            &self.secret_comment_ciphertext,
            &self.secret_comment_iv,
            &self.secret_comment_tag,
        ) {
            (Some(ct), Some(iv), Some(tag)) => open(project_key, ct, iv, tag, "comment")?,
            _ => String::new(),
        };
        Ok(Secret {
            key,
            value,
            comment,
            environment: environment.to_owned(),
            path: self.secret_path.clone().unwrap_or_else(|| path.to_owned()),
            version: self.version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reference §2.4: the token key, its wrapped project key, and DB_PASSWORD=hunter2.
    const TOKEN_KEY: &str = "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8";
    const PROJECT_KEY: &str = "5f1c6d7a0b2e4c8d9a3f1e2d4c6b8a09";

    fn reference_details() -> TokenDetails {
        serde_json::from_value(json!({
            "id": "3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b", "_id": "3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b",
            "name": "ci", "workspace": "proj-1",
            "scopes": [{ "environment": "dev", "secretPath": "/" }],
            "encryptedKey": "3BSVXf9l2779s26ZhOJ6QHWvdivCKLw5QIMSCQvPOac=",
            "iv": "AAECAwQFBgcICQoLDA0ODw==", "tag": "9vU47avl+DHtwFgbSCbQpg==",
            "createdAt": "2024-05-01T09:00:00.000Z", "updatedAt": "2024-05-01T09:00:00.000Z"
        }))
        .unwrap()
    }

    fn reference_list() -> EncryptedList {
        serde_json::from_value(json!({ "secrets": [{
            "id": "s1", "_id": "s1", "version": 3, "type": "shared", "workspace": "proj-1", "environment": "dev",
            "secretKeyCiphertext": "Tq4eCLqjHEaiWXw=", "secretKeyIV": "oKGio6SlpqeoqaqrrK2urw==", "secretKeyTag": "9BkCppwC4mIHDVej3RGqTA==",
            "secretValueCiphertext": "xl0fMRPXzw==", "secretValueIV": "sLGys7S1tre4ubq7vL2+vw==", "secretValueTag": "5qZS0dlZKyJc9pm9mkYbVQ==",
            "secretCommentCiphertext": "", "secretCommentIV": "wMHCw8TFxsfIycrLzM3Ozw==", "secretCommentTag": "nY2RVsgjb4zOhxH4y9OGGA=="
        }], "imports": [] }))
        .unwrap()
    }

    #[test]
    fn the_reference_token_key_unwraps_the_reference_project_key() {
        let details = reference_details();
        assert_eq!(
            details.project_key(Some(TOKEN_KEY)).unwrap().as_str(),
            PROJECT_KEY
        );
        assert_eq!(
            details.info().unwrap(),
            TokenInfo {
                project_id: "proj-1".into(),
                scopes: vec![Scope {
                    environment: "dev".into(),
                    secret_path: "/".into()
                }],
                ..TokenInfo::default()
            }
        );
    }

    #[test]
    fn the_reference_secret_decrypts_to_db_password_hunter2() {
        let key = reference_details().project_key(Some(TOKEN_KEY)).unwrap();
        let secret = reference_list().secrets[0]
            .decrypt(&key, "dev", "/")
            .unwrap();
        assert_eq!(
            (
                secret.key.as_str(),
                secret.value.as_str(),
                secret.comment.as_str()
            ),
            ("DB_PASSWORD", "hunter2", "")
        );
        assert_eq!(
            (
                secret.environment.as_str(),
                secret.path.as_str(),
                secret.version
            ),
            ("dev", "/", Some(3))
        );
    }

    #[test]
    fn the_client_reference_vectors_decrypt_too() {
        // infisical-clients.md: token key 0123…, project key fedc…, API_KEY=abc123.
        let details: TokenDetails = serde_json::from_value(json!({
            "projectId": "p", "encryptedKey": "gKP2w6oc5y33uNm5jzwhl6g97vCyxNbeeSTCH1WBJVU=",
            "iv": "AAECAwQFBgcICQoLDA0ODw==", "tag": "Y3z9F9f/xgjioIFmABNfnQ=="
        }))
        .unwrap();
        let key = details
            .project_key(Some("0123456789abcdef0123456789abcdef"))
            .unwrap();
        assert_eq!(key.as_str(), "fedcba9876543210fedcba9876543210");
        let secret: EncryptedSecret = serde_json::from_value(json!({
            "secretKeyCiphertext": "o7OUyxfH6Q==", "secretKeyIV": "EREREREREREREREREREREQ==", "secretKeyTag": "2Ski72WxcvHqf3avOCS5yg==",
            "secretValueCiphertext": "qWaSh6o8", "secretValueIV": "IiIiIiIiIiIiIiIiIiIiIg==", "secretValueTag": "P9i8v12KYuKj63/6v9eeYQ=="
        }))
        .unwrap();
        let opened = secret.decrypt(&key, "dev", "/app").unwrap();
        assert_eq!(
            (
                opened.key.as_str(),
                opened.value.as_str(),
                opened.path.as_str()
            ),
            ("API_KEY", "abc123", "/app")
        );
    }

    #[test]
    fn a_wrong_or_missing_key_part_is_refused() {
        let details = reference_details();
        assert_eq!(
            details
                .project_key(Some("0123456789abcdef0123456789abcdef"))
                .unwrap_err()
                .code,
            DENIED
        );
        assert_eq!(
            details.project_key(None).unwrap_err().code,
            super::super::exit::USAGE
        );
        assert_eq!(details.project_key(Some("short")).unwrap_err().code, DENIED);
    }

    #[test]
    fn a_token_without_a_wrapped_key_cannot_use_e2ee() {
        let details: TokenDetails = serde_json::from_value(
            json!({ "projectId": "p", "encryptedKey": "", "iv": "", "tag": "" }),
        )
        .unwrap();
        assert_eq!(
            details.project_key(Some(TOKEN_KEY)).unwrap_err().code,
            DENIED
        );
    }

    #[test]
    fn a_tampered_value_is_an_error_not_garbage() {
        let mut list = reference_list();
        list.secrets[0].secret_value_tag = String::from("AAAAAAAAAAAAAAAAAAAAAA==");
        assert!(list.secrets[0].decrypt(PROJECT_KEY, "dev", "/").is_err());
    }

    #[test]
    fn an_empty_triple_is_the_empty_string() {
        assert_eq!(open(PROJECT_KEY, "", "", "", "value").unwrap(), "");
    }
}
