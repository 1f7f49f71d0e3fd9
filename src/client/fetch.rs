//! Fetching the secrets for `envkeep run`: the first answer (from the server, or from the
//! fallback cache while the server cannot be reached), then, with `--watch`, polls that cost
//! the server nothing while nothing changed (`If-None-Match` with the last ETag).

use super::exit::ClientError;
use super::fallback::{expiry_millis, Cached, FallbackCache};
use super::http::Conditional;
use super::secret::Secret;
use super::source::{Info, Reading, Remote, Wire};
use super::target::Target;
use crate::time::{now_millis, Millis};

pub struct Fetcher<'a> {
    remote: Remote<'a>,
    reading: Reading,
    wire: Wire,
    cache: Option<&'a FallbackCache>,
    /// Where the last answer came from; found again after the server was unreachable.
    target: Option<Target>,
    token_expires_at: Option<Millis>,
    etag: Option<String>,
}

impl<'a> Fetcher<'a> {
    pub fn new(
        remote: Remote<'a>,
        reading: Reading,
        wire: Wire,
        cache: Option<&'a FallbackCache>,
    ) -> Self {
        Self {
            remote,
            reading,
            wire,
            cache,
            target: None,
            token_expires_at: None,
            etag: None,
        }
    }

    /// The secrets to start the command with.
    pub fn first(&mut self) -> Result<Vec<Secret>, ClientError> {
        if self.wire == Wire::EndToEnd {
            return Ok(self.remote.list(self.reading, self.wire)?.1);
        }
        match self.fetch() {
            Ok(Some(secrets)) => Ok(secrets),
            Ok(None) => Err(ClientError::unexpected(
                "the server answered 304 Not Modified to a first request",
            )),
            Err(e) => match self.cache {
                Some(cache) if e.unreachable => Ok(cache.stand_in(e)?.secrets),
                _ => Err(e),
            },
        }
    }

    /// The secrets if they changed since the last answer, `None` if not.
    pub fn poll(&mut self) -> Result<Option<Vec<Secret>>, ClientError> {
        self.fetch()
    }

    fn fetch(&mut self) -> Result<Option<Vec<Secret>>, ClientError> {
        let fetched = self.fetch_native();
        if let (Err(e), Some(cache)) = (&fetched, self.cache) {
            // A refused token's secrets must not stay on this machine.
            if e.status == Some(401) {
                cache.forget();
            }
        }
        fetched
    }

    fn fetch_native(&mut self) -> Result<Option<Vec<Secret>>, ClientError> {
        let target = match &self.target {
            Some(target) => target.clone(),
            None => {
                // The cache keeps the token's expiry, so it must be asked for.
                let wanted = if self.cache.is_some() {
                    Info::Always
                } else {
                    Info::IfNeeded
                };
                let (target, info) = self.remote.locate(wanted)?;
                self.token_expires_at =
                    expiry_millis(info.as_ref().and_then(|i| i.expires_at.as_deref()));
                self.target = Some(target.clone());
                self.etag = None;
                target
            }
        };
        match self
            .remote
            .list_at(&target, self.reading, self.etag.as_deref())?
        {
            Conditional::Unchanged => Ok(None),
            Conditional::Changed(secrets, etag) => {
                self.etag = etag;
                if let Some(cache) = self.cache {
                    cache.save(&Cached {
                        fetched_at: now_millis(),
                        token_expires_at: self.token_expires_at,
                        target,
                        secrets: secrets.clone(),
                    });
                }
                Ok(Some(secrets))
            }
        }
    }
}
