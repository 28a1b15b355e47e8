//! Login throttling per IP address: at most 20 attempts a minute from one address.
//!
//! Kept in memory: it only has to slow a guesser down, and per-account limits (which must hold
//! across app servers) live in the database with the account.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PER_IP_PER_MINUTE: u32 = 20;

#[derive(Debug, Default)]
pub struct IpLimiter {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl IpLimiter {
    /// Count one attempt; false when the address is over its limit for the current minute.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut windows = self.windows.lock().expect("limiter lock");
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = windows.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= PER_IP_PER_MINUTE
    }
}

/// The delay an account must wait after `failures` consecutive failed logins: none for the
/// first five, then doubling from 2 s up to 15 minutes.
pub fn lock_seconds(failures: i32) -> i64 {
    if failures < 5 {
        0
    } else {
        let exp = (failures - 4).min(10) as u32;
        (1i64 << exp).min(900)
    }
}

/// Failed logins allowed per account per hour.
pub const PER_ACCOUNT_PER_HOUR: i32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_a_minute_then_refused_then_a_new_minute() {
        let limiter = IpLimiter::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..20 {
            assert!(limiter.allow_at(ip, t0));
        }
        assert!(!limiter.allow_at(ip, t0 + Duration::from_secs(30)));
        assert!(limiter.allow_at(other, t0), "limits are per address");
        assert!(limiter.allow_at(ip, t0 + Duration::from_secs(61)));
    }

    #[test]
    fn delay_grows_after_five_failures() {
        assert_eq!(lock_seconds(4), 0);
        assert_eq!(lock_seconds(5), 2);
        assert_eq!(lock_seconds(6), 4);
        assert!(lock_seconds(9) > lock_seconds(8));
        assert_eq!(lock_seconds(40), 900);
    }
}
