//! A small in-process cache for figures that may be a minute old (the home dashboards and the
//! per-community registration rates): they summarise a whole street and are the heaviest part
//! of the pages most often opened. Keys always start with the street id, so nothing crosses
//! tenants; a TTL of zero turns the cache off (the tests).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::domain::ids::StreetId;

/// More entries than this and expired ones are swept on the next insert.
const SWEEP_ABOVE: usize = 10_000;

/// How long an expired value is still served to others while one caller recomputes it.
const REFRESH_GRACE: Duration = Duration::from_secs(5);

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

pub struct TtlCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl TtlCache {
    pub fn new(ttl: Duration) -> TtlCache {
        TtlCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn key(street: StreetId, what: &str) -> String {
        format!("{}:{what}", street.0)
    }

    pub fn get<T: Clone + Send + Sync + 'static>(&self, street: StreetId, what: &str) -> Option<T> {
        if self.ttl.is_zero() {
            return None;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, value) = entries.get_mut(&Self::key(street, what))?;
        let (age, grace) = (at.elapsed(), REFRESH_GRACE.min(self.ttl));
        if age > self.ttl {
            // Expired: this caller recomputes it; the others keep getting the old value for a
            // few seconds meanwhile, instead of all recomputing the same figures at once (under
            // load that pile-up stalled every page). Past the grace nobody recomputed it (the
            // first caller failed), so the next caller tries.
            if age <= self.ttl + grace {
                *at = Instant::now()
                    .checked_sub(self.ttl - grace)
                    .unwrap_or_else(Instant::now);
            }
            return None;
        }
        value.downcast_ref::<T>().cloned()
    }

    pub fn put<T: Clone + Send + Sync + 'static>(&self, street: StreetId, what: &str, value: T) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > SWEEP_ABOVE {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() <= ttl);
        }
        entries.insert(Self::key(street, what), (Instant::now(), Arc::new(value)));
    }

    /// Drops everything kept for a street, after a change this process made to what it holds
    /// (a new community or grid shows at once here; other app servers catch up within the TTL).
    pub fn forget_street(&self, street: StreetId) {
        let prefix = Self::key(street, "");
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|key, _| !key.starts_with(&prefix));
    }
}

/// The cached value, or the one `make` computes (then kept).
#[macro_export]
macro_rules! cached {
    ($cache:expr, $street:expr, $what:expr, $make:expr) => {{
        let what = $what;
        match $cache.get($street, &what) {
            Some(v) => v,
            None => {
                let v = $make;
                $cache.put($street, &what, v.clone());
                v
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire_and_streets_never_share() {
        let cache = TtlCache::new(Duration::from_millis(50));
        let (a, b) = (
            StreetId(uuid::Uuid::now_v7()),
            StreetId(uuid::Uuid::now_v7()),
        );
        cache.put(a, "rates", vec![1, 2, 3]);
        assert_eq!(cache.get::<Vec<i32>>(a, "rates"), Some(vec![1, 2, 3]));
        assert_eq!(cache.get::<Vec<i32>>(b, "rates"), None, "another street");
        assert_eq!(cache.get::<String>(a, "rates"), None, "another type");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(
            cache.get::<Vec<i32>>(a, "rates"),
            None,
            "expired: recompute"
        );
        assert_eq!(
            cache.get::<Vec<i32>>(a, "rates"),
            Some(vec![1, 2, 3]),
            "the old value for the others while the first recomputes"
        );
        cache.put(a, "rates", vec![4]);
        assert_eq!(
            cache.get::<Vec<i32>>(a, "rates"),
            Some(vec![4]),
            "recomputed"
        );
        std::thread::sleep(Duration::from_millis(130));
        assert_eq!(
            cache.get::<Vec<i32>>(a, "rates"),
            None,
            "past the grace: nobody recomputed, so nobody gets the old value"
        );
        cache.put(a, "rates", vec![5]);
        cache.put(a, "grids", vec![6]);
        cache.put(b, "rates", vec![7]);
        cache.forget_street(a);
        assert_eq!(cache.get::<Vec<i32>>(a, "rates"), None, "forgotten");
        assert_eq!(cache.get::<Vec<i32>>(a, "grids"), None, "forgotten");
        assert_eq!(
            cache.get::<Vec<i32>>(b, "rates"),
            Some(vec![7]),
            "another street's values stay"
        );
        let off = TtlCache::new(Duration::ZERO);
        off.put(a, "rates", 1);
        assert_eq!(off.get::<i32>(a, "rates"), None);
    }
}
