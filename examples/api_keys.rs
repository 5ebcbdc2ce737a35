//! Gateway API keys from the command line.
//!
//! ```text
//! cargo run --example api_keys -- issue          # prints a fresh test key (brand "lg")
//! cargo run --example api_keys -- check KEY      # prints `ok` or why the format check fails
//! cargo run --example api_keys -- demo           # issue, verify, rotate, with verdict codes
//! ```
//!
//! `check` runs only the offline format check (prefix, brand, environment, length, alphabet,
//! CRC-32): no lookup. Exit status: 0 for `ok`, 1 for a rejected key, 2 for a usage error.

use std::process::ExitCode;

#[cfg(feature = "os-rng")]
mod app {
    use std::process::ExitCode;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use lastgate::keys::{
        Environment, KeyFormat, KeyManager, KeySpec, OsEntropy, Owner, Pepper, PepperSet, Request,
        Timestamp,
    };

    const USAGE: &str = "usage: api_keys issue | api_keys check KEY | api_keys demo";

    fn now() -> Timestamp {
        // Examples may read the clock; the library never does.
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix_millis(ms)
    }

    /// A manager with a pepper drawn from OS entropy for this run. A real gateway loads its peppers
    /// from a secret store.
    fn manager() -> Result<KeyManager, Box<dyn std::error::Error>> {
        let mut pepper = [0u8; 32];
        lastgate::keys::Entropy::fill(&mut OsEntropy, &mut pepper)?;
        let set = PepperSet::new(Pepper::new(1, &pepper)?);
        Ok(KeyManager::new(KeyFormat::default(), set))
    }

    fn issue() -> Result<(), Box<dyn std::error::Error>> {
        let keys = manager()?;
        let spec = KeySpec::new(Owner::new("example-team", "cli"), Environment::Test);
        let issued = keys.issue(&spec, now(), &mut OsEntropy)?;
        println!("{}", issued.key.expose_secret());
        Ok(())
    }

    fn check(key: &str) -> ExitCode {
        match KeyFormat::default().parse(key) {
            Ok(_) => {
                println!("ok");
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("{e}");
                ExitCode::from(1)
            }
        }
    }

    fn demo() -> Result<(), Box<dyn std::error::Error>> {
        let keys = manager()?;
        let t0 = now();
        let spec = KeySpec::new(Owner::new("example-team", "cli"), Environment::Test)
            .scopes(["chat:*"])
            .models(["gpt-4o*"])
            .ip_allow(["10.0.0.0/8".parse()?]);
        let issued = keys.issue(&spec, t0, &mut OsEntropy)?;
        let key = issued.key.expose_secret();
        let mut record = issued.record;
        println!(
            "issued   key id {} (record: {:?})",
            record.key_id, record.digest
        );
        let peer = "::ffff:10.1.2.3".parse()?;
        let req = Request::new(t0)
            .peer_ip(peer)
            .scopes(&["chat:write"])
            .model("gpt-4o-mini");
        let v = keys.verify(key, Some(&record), &req);
        v.effects().apply_to(&mut record);
        println!("verify   {}", v.code());
        println!(
            "wrong ip {}",
            keys.verify(key, Some(&record), &req.peer_ip("192.0.2.1".parse()?))
                .code()
        );
        println!(
            "model    {}",
            keys.verify(key, Some(&record), &req.model("o3")).code()
        );
        println!("unknown  {}", keys.verify(key, None, &req).code());
        let rot = keys.rotate(&record, t0, Duration::from_secs(3600), &mut OsEntropy)?;
        let later = Request::new(t0.saturating_add(Duration::from_secs(7200))).peer_ip(peer);
        println!(
            "rotated  new {} -> {}, old after grace -> {}",
            rot.record.key_id,
            keys.verify(rot.key.expose_secret(), Some(&rot.record), &later)
                .code(),
            keys.verify(key, Some(&rot.previous), &later).code()
        );
        Ok(())
    }

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let run = |r: Result<(), Box<dyn std::error::Error>>| match r {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
        match args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["issue"] => run(issue()),
            ["check", key] => check(key),
            ["demo"] => run(demo()),
            _ => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        }
    }
}

fn main() -> ExitCode {
    #[cfg(feature = "os-rng")]
    {
        app::main()
    }
    #[cfg(not(feature = "os-rng"))]
    {
        eprintln!("api_keys needs the default feature `os-rng` (OS entropy)");
        ExitCode::from(2)
    }
}
