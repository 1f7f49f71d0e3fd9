//! What every Infisical handler starts from: a read from who calls and the query, a secret
//! write (create, update, delete; raw or end-to-end-encrypted) from that, the JSON body, the
//! place they name and the secret named in the URL.

use super::params::{self, Params, Target};
use super::version::ApiVersion;
use crate::auth::Caller;
use crate::domain::SecretKey;
use crate::error::AppResult;
use crate::service::secrets::Location;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

type Extracting<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

pub struct ReadRequest {
    pub caller: Caller,
    pub params: Params,
    version: ApiVersion,
}

impl ReadRequest {
    pub fn location(&self, target: Target) -> AppResult<Location> {
        self.params.location(&self.caller, target, self.version)
    }
}

impl FromRequest for ReadRequest {
    type Error = actix_web::Error;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(ApiVersion, Caller, web::Query<Params>)>::from_request(req, payload);
        Box::pin(async move {
            let (version, caller, query) = parts.await?;
            let params = query.into_inner();
            // An identity acts in the project the request names, with its role there.
            let caller = match params.project() {
                Some(project) => caller.for_project(project),
                None => caller,
            };
            Ok(Self {
                caller,
                params,
                version,
            })
        })
    }
}

pub struct WriteRequest {
    pub caller: Caller,
    /// The body's parameters over the query's; never `type=personal`.
    pub params: Params,
    /// Where the request says: writes never follow a single scope.
    pub at: Location,
    pub name: SecretKey,
}

impl FromRequest for WriteRequest {
    type Error = actix_web::Error;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // One tuple, polled the way actix polls a handler's arguments, so that a request with
        // several faults is refused for the same one as on the read routes.
        let parts = <(
            ApiVersion,
            Caller,
            web::Path<String>,
            web::Query<Params>,
            web::Bytes,
        )>::from_request(req, payload);
        Box::pin(async move {
            let (version, caller, name, query, body) = parts.await?;
            let params = params::for_write(query.into_inner(), &body)?;
            let at = params.location(&caller, Target::AsSent, version)?;
            let caller = caller.for_project(&at.project_id);
            let name = params::secret_name(&name)?;
            Ok(Self {
                caller,
                params,
                at,
                name,
            })
        })
    }
}
