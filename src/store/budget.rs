//! Memory for listings in flight (`ENVKEEP_LISTING_MEMORY`): a listing reserves room for what it
//! decrypts and the body it serialises before it starts, and holds the part its body needs
//! until the body is sent. Parallel listings of large folders therefore queue instead of each
//! holding its own copy of the folder; one that finds no room in time is answered 503.
//!
//! A listing larger than the whole budget waits for all of it and runs alone, so memory stays
//! bounded by the budget or by the largest listing the storage limits allow, whichever is larger.

use crate::error::{AppError, AppResult};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Room is counted in KiB, so a 32-bit count of units covers any budget.
const UNIT: usize = 1024;
const RETRY_AFTER_SECS: u64 = 2;

pub(super) struct ListingBudget {
    room: Arc<Semaphore>,
    units: u32,
    wait: Duration,
}

/// Room reserved in the listing budget, returned when dropped.
#[derive(Debug)]
pub struct Reservation {
    permit: OwnedSemaphorePermit,
}

impl Reservation {
    /// Gives back all but what `bytes` need (at least one unit stays reserved until the drop).
    pub fn shrink_to(&mut self, bytes: usize) {
        let keep = units_for(bytes).max(1) as usize;
        let extra = self.permit.num_permits().saturating_sub(keep);
        drop(self.permit.split(extra));
    }
}

fn units_for(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX)
}

impl ListingBudget {
    pub(super) fn new(bytes: usize, wait: Duration) -> Self {
        let units = units_for(bytes).clamp(1, u32::MAX >> 3);
        Self {
            room: Arc::new(Semaphore::new(units as usize)),
            units,
            wait,
        }
    }

    /// Reserves room for `bytes` (all of the budget if they exceed it), waiting up to the
    /// configured time; then a 503 with `Retry-After`.
    pub(super) async fn reserve(&self, bytes: usize) -> AppResult<Reservation> {
        let units = units_for(bytes).clamp(1, self.units);
        if let Ok(permit) = self.room.clone().try_acquire_many_owned(units) {
            return Ok(Reservation { permit });
        }
        match tokio::time::timeout(self.wait, self.room.clone().acquire_many_owned(units)).await {
            Ok(Ok(permit)) => Ok(Reservation { permit }),
            _ => Err(AppError::Busy {
                what: "no room in the listing memory (ENVKEEP_LISTING_MEMORY) in time",
                retry_after_secs: RETRY_AFTER_SECS,
            }),
        }
    }

    /// Bytes not reserved right now.
    pub(super) fn free(&self) -> usize {
        self.room.available_permits() * UNIT
    }
}

impl super::Store {
    /// What a folder and a project may hold; writes check it in their transaction.
    pub fn limits(&self) -> crate::domain::StorageLimits {
        self.inner.limits
    }

    /// Reserves `bytes` of the listing memory for a listing about to be built (see `budget`).
    pub async fn reserve_listing(&self, bytes: usize) -> crate::error::AppResult<Reservation> {
        self.inner.listings.reserve(bytes).await
    }

    /// Bytes of the listing memory no listing holds right now.
    pub fn listing_memory_free(&self) -> usize {
        self.inner.listings.free()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reservation_waits_for_room_and_gives_it_back() {
        let budget = ListingBudget::new(4 * UNIT, Duration::from_millis(50));
        let mut first = budget.reserve(3 * UNIT).await.unwrap();
        assert!(matches!(
            budget.reserve(2 * UNIT).await,
            Err(AppError::Busy { .. })
        ));
        first.shrink_to(10);
        assert_eq!(budget.free(), 3 * UNIT, "all but one unit given back");
        let _second = budget.reserve(2 * UNIT).await.unwrap();
        drop(first);
        assert_eq!(budget.free(), 2 * UNIT);
    }

    #[tokio::test]
    async fn a_request_larger_than_the_budget_takes_all_of_it() {
        let budget = ListingBudget::new(4 * UNIT, Duration::from_millis(50));
        let whole = budget.reserve(100 * UNIT).await.unwrap();
        assert_eq!(budget.free(), 0);
        drop(whole);
        assert_eq!(budget.free(), 4 * UNIT);
    }
}
