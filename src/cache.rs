//! A small in-process cache for figures that may be a minute old (the home dashboards and the
//! per-community registration rates): they summarise a whole street and are the heaviest part
//! of the pages most often opened. Keys always start with the street id, so nothing crosses
//! tenants; a TTL of zero turns the cache off (the tests). The cache itself is `moka`'s.

use std::any::{Any, TypeId};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::ids::StreetId;
use crate::error::AppError;

/// At most this many values are kept (the least used go first).
const MAX_ENTRIES: u64 = 10_000;

/// The street, what the value is, and its type (a value is never read back as another type).
type Key = (StreetId, String, TypeId);
type Value = Arc<dyn Any + Send + Sync>;

pub struct TtlCache {
    /// `None` when the TTL is zero.
    entries: Option<moka::future::Cache<Key, Value>>,
}

impl TtlCache {
    pub fn new(ttl: Duration) -> TtlCache {
        TtlCache {
            entries: (!ttl.is_zero()).then(|| {
                moka::future::Cache::builder()
                    .max_capacity(MAX_ENTRIES)
                    .time_to_live(ttl)
                    .build()
            }),
        }
    }

    /// The value kept for `what` in `street`, or the one `make` computes (then kept; an error is
    /// not). When a value is missing or has expired, concurrent callers asking for the same one
    /// wait for the first caller's `make` instead of all computing the same street-wide figures
    /// at once (under load that pile-up stalled every page).
    pub async fn get_or_try_insert<T, E, F>(
        &self,
        street: StreetId,
        what: String,
        make: F,
    ) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        E: Into<AppError>,
        F: Future<Output = Result<T, E>>,
    {
        let Some(entries) = &self.entries else {
            return make.await.map_err(Into::into);
        };
        let value = entries
            .try_get_with((street, what, TypeId::of::<T>()), async {
                match make.await {
                    Ok(v) => Ok(Arc::new(v) as Value),
                    Err(e) => Err(e.into()),
                }
            })
            .await
            .map_err(unshare)?;
        Ok(value
            .downcast_ref::<T>()
            .expect("the key holds the value's type")
            .clone())
    }

    /// Drops everything kept for a street, after a change this process made to what it holds
    /// (a new community or grid shows at once here; other app servers catch up within the TTL).
    pub async fn forget_street(&self, street: StreetId) {
        let Some(entries) = &self.entries else {
            return;
        };
        let keys: Vec<Arc<Key>> = entries
            .iter()
            .map(|(key, _)| key)
            .filter(|key| key.0 == street)
            .collect();
        for key in keys {
            entries.invalidate(&*key).await;
        }
    }
}

/// The error of a failed `make`: callers that waited for it get the same one, shared.
fn unshare(error: Arc<AppError>) -> AppError {
    Arc::try_unwrap(error).unwrap_or_else(|shared| match &*shared {
        AppError::NotFound => AppError::NotFound,
        AppError::Forbidden => AppError::Forbidden,
        AppError::TooManyRequests => AppError::TooManyRequests,
        AppError::RequestTimeout => AppError::RequestTimeout,
        AppError::BadRequest => AppError::BadRequest,
        other => AppError::internal(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn get(cache: &TtlCache, street: StreetId, what: &str, v: Vec<i32>) -> Vec<i32> {
        cache
            .get_or_try_insert(street, what.to_string(), async { Ok::<_, AppError>(v) })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn values_expire_and_streets_never_share() {
        let cache = TtlCache::new(Duration::from_millis(50));
        let (a, b) = (StreetId::new(), StreetId::new());
        assert_eq!(get(&cache, a, "rates", vec![1, 2, 3]).await, vec![1, 2, 3]);
        assert_eq!(
            get(&cache, a, "rates", vec![9]).await,
            vec![1, 2, 3],
            "kept"
        );
        assert_eq!(
            get(&cache, b, "rates", vec![7]).await,
            vec![7],
            "another street"
        );
        let other_type = cache
            .get_or_try_insert(a, "rates".to_string(), async {
                Ok::<_, AppError>("x".to_string())
            })
            .await
            .unwrap();
        assert_eq!(other_type, "x", "another type");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(get(&cache, a, "rates", vec![4]).await, vec![4], "expired");
        get(&cache, a, "grids", vec![6]).await;
        assert_eq!(get(&cache, b, "rates", vec![7]).await, vec![7], "expired");
        cache.forget_street(a).await;
        assert_eq!(get(&cache, a, "rates", vec![5]).await, vec![5], "forgotten");
        assert_eq!(get(&cache, a, "grids", vec![8]).await, vec![8], "forgotten");
        assert_eq!(
            get(&cache, b, "rates", vec![0]).await,
            vec![7],
            "another street's values stay"
        );
        let off = TtlCache::new(Duration::ZERO);
        assert_eq!(get(&off, a, "rates", vec![1]).await, vec![1]);
        assert_eq!(get(&off, a, "rates", vec![2]).await, vec![2], "not kept");
    }

    #[tokio::test]
    async fn concurrent_callers_compute_a_value_once_and_errors_are_not_kept() {
        let cache = Arc::new(TtlCache::new(Duration::from_secs(60)));
        let street = StreetId::new();
        let made = Arc::new(AtomicUsize::new(0));
        let callers = (0..8).map(|_| {
            let (cache, made) = (cache.clone(), made.clone());
            tokio::spawn(async move {
                cache
                    .get_or_try_insert(street, "dashboard".to_string(), async {
                        made.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, AppError>(42)
                    })
                    .await
                    .unwrap()
            })
        });
        for caller in callers.collect::<Vec<_>>() {
            assert_eq!(caller.await.unwrap(), 42);
        }
        assert_eq!(made.load(Ordering::SeqCst), 1, "computed once");

        let failed = cache
            .get_or_try_insert(street, "rates".to_string(), async {
                Err::<i32, _>(AppError::NotFound)
            })
            .await;
        assert!(matches!(failed, Err(AppError::NotFound)));
        let v = cache
            .get_or_try_insert(street, "rates".to_string(), async { Ok::<_, AppError>(3) })
            .await
            .unwrap();
        assert_eq!(v, 3, "the error was not kept");
    }
}
