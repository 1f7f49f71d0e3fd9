//! A listing's body, handed to the connection in 64 KiB chunks while it holds its part of the
//! listing memory: the room goes back only when the last chunk has been taken or the client went
//! away, so bodies waiting on slow clients count against `ENVKEEP_LISTING_MEMORY` too.

use crate::store::Reservation;
use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Chunks small enough that the connection's write buffer never holds a second copy of a
/// large body.
const CHUNK: usize = 64 * 1024;

pub struct ListingBody {
    rest: Bytes,
    _reservation: Reservation,
}

impl ListingBody {
    /// `body`, holding `reservation` cut down to the body's size until it is sent.
    pub fn new(body: String, mut reservation: Reservation) -> Self {
        reservation.shrink_to(body.len());
        Self {
            rest: Bytes::from(body),
            _reservation: reservation,
        }
    }
}

impl MessageBody for ListingBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.rest.len() as u64)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Infallible>>> {
        let this = self.get_mut();
        if this.rest.is_empty() {
            return Poll::Ready(None);
        }
        let take = this.rest.len().min(CHUNK);
        Poll::Ready(Some(Ok(this.rest.split_to(take))))
    }
}
