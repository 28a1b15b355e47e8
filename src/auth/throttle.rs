//! Slowing down password and code guessers without locking the owner out.
//!
//! Every check of a secret (the sign-in password, the authenticator code, the current password
//! at `/password`) goes through one `Throttle`:
//! - an address with 20 failures in a minute is refused for the rest of that minute, whatever
//!   login it tries;
//! - a login that failed five times in a row from one address waits there, from 2 s doubling
//!   up to 15 minutes; the owner signing in from another address is not held up by it;
//! - a login under attack (five failures in a row from anywhere, or the database's lock or its
//!   hourly cap) is not closed: each attempt first waits a short fixed delay
//!   (`UNDER_LOCK_DELAY`), and an address that fails then waits at once;
//! - every failed attempt is answered no sooner than `FAILED_FLOOR` after it began, so the
//!   answer takes as long whether or not the account exists.
//!
//! The state is kept in memory, keyed by the login as typed (so an account that does not exist
//! is throttled exactly like one that does); the database keeps the account's own count, lock
//! and hourly cap, which hold across app servers (`handlers::record_failure`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PER_IP_PER_MINUTE: u32 = 20;
/// Failed logins allowed per account per hour before every attempt waits `UNDER_LOCK_DELAY`.
pub const PER_ACCOUNT_PER_HOUR: i32 = 100;
/// What every attempt at a login under attack waits before its secret is checked.
pub const UNDER_LOCK_DELAY: Duration = Duration::from_secs(2);
/// The earliest a failed attempt is answered: longer than the slowest refusal's own work (a
/// password hash and two short transactions), so timing does not tell a missing account from a
/// wrong password.
pub const FAILED_FLOOR: Duration = Duration::from_millis(250);
/// Entries kept before stale ones are dropped.
const PRUNE_ABOVE: usize = 100_000;

/// The delay after `failures` consecutive failures: none for the first four, then doubling
/// from 2 s up to 15 minutes.
pub fn lock_seconds(failures: i32) -> i64 {
    if failures < 5 {
        0
    } else {
        let exp = (failures - 4).min(10) as u32;
        (1i64 << exp).min(900)
    }
}

/// What an attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// Refused without checking anything: wait this many seconds.
    Wait(u64),
    /// Check the secret; `under_lock`: the login is under attack, so wait `UNDER_LOCK_DELAY`
    /// first.
    Check { under_lock: bool },
}

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    until: Instant,
    last: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// Failures per address in the current minute (its start, the count).
    addresses: HashMap<IpAddr, (Instant, u32)>,
    /// Consecutive failures of one login from one address.
    pairs: HashMap<(String, IpAddr), Count>,
    /// Consecutive failures of one login from anywhere.
    logins: HashMap<String, Count>,
}

#[derive(Debug, Default)]
pub struct Throttle {
    state: Mutex<State>,
}

/// Logins compare as typed, without surrounding space and case.
fn key(login: &str) -> String {
    login.trim().to_lowercase()
}

impl Throttle {
    pub fn before(&self, login: &str, ip: IpAddr) -> Before {
        self.before_at(&key(login), ip, Instant::now())
    }

    pub fn failed(&self, login: &str, ip: IpAddr, under_lock: bool) {
        self.failed_at(&key(login), ip, under_lock, Instant::now())
    }

    /// The right secret: the login's counts start again (the address's minute stays).
    pub fn succeeded(&self, login: &str, ip: IpAddr) {
        let login = key(login);
        let mut state = self.state.lock().expect("throttle lock");
        state.pairs.remove(&(login.clone(), ip));
        state.logins.remove(&login);
    }

    fn before_at(&self, login: &str, ip: IpAddr, now: Instant) -> Before {
        let state = self.state.lock().expect("throttle lock");
        let mut wait = Duration::ZERO;
        if let Some((start, failures)) = state.addresses.get(&ip) {
            let minute = Duration::from_secs(60);
            if now.duration_since(*start) < minute && *failures >= PER_IP_PER_MINUTE {
                wait = minute - now.duration_since(*start);
            }
        }
        if let Some(pair) = state.pairs.get(&(login.to_string(), ip)) {
            wait = wait.max(pair.until.saturating_duration_since(now));
        }
        if !wait.is_zero() {
            return Before::Wait(wait.as_secs().max(1));
        }
        let under_lock = state.logins.get(login).is_some_and(|c| c.until > now);
        Before::Check { under_lock }
    }

    fn failed_at(&self, login: &str, ip: IpAddr, under_lock: bool, now: Instant) {
        let mut guard = self.state.lock().expect("throttle lock");
        let state = &mut *guard;
        if state.addresses.len() + state.pairs.len() + state.logins.len() > PRUNE_ABOVE {
            let hour = Duration::from_secs(3600);
            state
                .addresses
                .retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
            state
                .pairs
                .retain(|_, c| c.until > now || now.duration_since(c.last) < hour);
            state
                .logins
                .retain(|_, c| c.until > now || now.duration_since(c.last) < hour);
        }
        let window = state.addresses.entry(ip).or_insert((now, 0));
        if now.duration_since(window.0) >= Duration::from_secs(60) {
            *window = (now, 0);
        }
        window.1 += 1;

        let fresh = Count {
            failures: 0,
            until: now,
            last: now,
        };
        let pair = state.pairs.entry((login.to_string(), ip)).or_insert(fresh);
        // Failing while the login is under attack: this address waits at once.
        pair.failures = if under_lock {
            pair.failures.max(4) + 1
        } else {
            pair.failures + 1
        };
        pair.last = now;
        pair.until = now + Duration::from_secs(lock_seconds(pair.failures as i32) as u64);

        let all = state.logins.entry(login.to_string()).or_insert(fresh);
        all.failures += 1;
        all.last = now;
        all.until = now + Duration::from_secs(lock_seconds(all.failures as i32) as u64);
    }
}

/// Answer a failed attempt no sooner than `FAILED_FLOOR` (plus the fixed delay it waited)
/// after it began.
pub async fn answer_failure_at(start: tokio::time::Instant, under_lock: bool) {
    let floor = if under_lock {
        FAILED_FLOOR + UNDER_LOCK_DELAY
    } else {
        FAILED_FLOOR
    };
    tokio::time::sleep_until(start + floor).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn twenty_failures_a_minute_from_one_address_then_refused_then_a_new_minute() {
        let t = Throttle::default();
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let t0 = Instant::now();
        for i in 0..20 {
            assert!(
                matches!(t.before_at(&format!("u{i}"), a, t0), Before::Check { .. }),
                "attempt {i}"
            );
            t.failed_at(&format!("u{i}"), a, false, t0);
        }
        assert_eq!(
            t.before_at("someone", a, t0 + Duration::from_secs(30)),
            Before::Wait(30)
        );
        assert_eq!(
            t.before_at("someone", b, t0),
            Before::Check { under_lock: false },
            "limits are per address"
        );
        assert!(matches!(
            t.before_at("someone", a, t0 + Duration::from_secs(61)),
            Before::Check { .. }
        ));
    }

    #[test]
    fn a_guessing_address_waits_and_the_owner_elsewhere_does_not() {
        let t = Throttle::default();
        let (attacker, owner) = (ip("203.0.113.5"), ip("198.51.100.7"));
        let t0 = Instant::now();
        for _ in 0..4 {
            t.failed_at("13800000001", attacker, false, t0);
        }
        assert_eq!(
            t.before_at("13800000001", attacker, t0),
            Before::Check { under_lock: false },
            "no delay for the first four failures"
        );
        t.failed_at("13800000001", attacker, false, t0);
        assert_eq!(t.before_at("13800000001", attacker, t0), Before::Wait(2));
        assert_eq!(
            t.before_at("13800000001", owner, t0),
            Before::Check { under_lock: true },
            "the owner may try from elsewhere, after the fixed delay"
        );
        // A failure from a fresh address while under attack waits at once.
        let other = ip("203.0.113.6");
        t.failed_at("13800000001", other, true, t0);
        assert_eq!(t.before_at("13800000001", other, t0), Before::Wait(2));
        // The owner's right password (typed with a space) clears the login's counts.
        t.succeeded(" 13800000001 ", owner);
        assert_eq!(
            t.before_at("13800000001", owner, t0),
            Before::Check { under_lock: false }
        );
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
