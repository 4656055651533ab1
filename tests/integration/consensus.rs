//! Consensus rules against Bitcoin Core's vectors and real mainnet history.

use hashflight::consensus::compact::{from_compact, to_compact, to_compact_signed};
use hashflight::consensus::subsidy::{HALVING_INTERVAL, block_subsidy_sats};
use hashflight::consensus::{U256, bitcoin};

fn rows(name: &str) -> Vec<csv::StringRecord> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    r.records().map(|x| x.unwrap()).collect()
}

fn hex_u32(s: &str) -> u32 {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

fn hex_u256(s: &str) -> U256 {
    U256::from_str_radix(s, 16).unwrap()
}

#[test]
fn core_retarget_vectors_mainnet() {
    let mut n = 0;
    for r in rows("btc_retarget_vectors.csv") {
        let (last_bits, first, last, expected) = (
            hex_u32(&r[1]),
            r[2].parse::<i64>().unwrap(),
            r[3].parse::<i64>().unwrap(),
            hex_u32(&r[5]),
        );
        let got = if &r[6] == "main" {
            n += 1;
            bitcoin::next_bits(last_bits, first, last)
        } else {
            // Signet rows: the same rule with signet's limit.
            bitcoin::next_bits_with_limit(last_bits, first, last, &hex_u256(&r[8]))
        };
        assert_eq!(got, expected, "{}", &r[0]);
    }
    assert_eq!(n, 5, "mainnet rows");
}

#[test]
fn every_exactly_checkable_real_retarget_reproduces() {
    let mut checked = 0;
    for r in rows("btc_epochs.csv") {
        if &r[10] != "1" {
            continue;
        }
        let got = bitcoin::next_bits(hex_u32(&r[2]), r[1].parse().unwrap(), r[6].parse().unwrap());
        assert_eq!(got, hex_u32(&r[8]), "epoch {} (height {})", &r[4], &r[0]);
        checked += 1;
    }
    assert_eq!(checked, 420);
}

#[test]
fn compact_vectors() {
    let mut n = 0;
    for r in rows("btc_compact_vectors.csv") {
        let negative = &r[5] == "true";
        match &r[0] {
            "set_compact" => {
                let d = from_compact(hex_u32(&r[2]));
                if !r[4].is_empty() {
                    assert_eq!(d.target, hex_u256(&r[4]), "{} {}", &r[1], &r[2]);
                }
                if !r[5].is_empty() {
                    assert_eq!(d.negative, negative, "negative {} {}", &r[1], &r[2]);
                }
                if !r[6].is_empty() {
                    assert_eq!(d.overflow, &r[6] == "true", "overflow {} {}", &r[1], &r[2]);
                }
                if !r[7].is_empty() {
                    let out = to_compact_signed(d.target, d.negative);
                    assert_eq!(out, hex_u32(&r[7]), "round trip {} {}", &r[1], &r[2]);
                }
            }
            "get_compact" => {
                let out = to_compact_signed(hex_u256(&r[3]), negative);
                assert_eq!(out, hex_u32(&r[7]), "{}", &r[1]);
            }
            other => panic!("unknown kind {other}"),
        }
        n += 1;
    }
    assert_eq!(n, 38);
    assert_eq!(to_compact(from_compact(0x1d00ffff).target), 0x1d00ffff);
}

#[test]
fn subsidy_vectors_and_total_supply() {
    for r in rows("btc_subsidy_vectors.csv") {
        let h: u64 = r[0].parse().unwrap();
        assert_eq!(
            block_subsidy_sats(h),
            r[1].parse::<u64>().unwrap(),
            "height {h}"
        );
    }
    // Sum over every height, one halving era at a time.
    let total: u64 = (0..64)
        .map(|era| block_subsidy_sats(era * HALVING_INTERVAL) * HALVING_INTERVAL)
        .sum();
    assert_eq!(total, 2_099_999_997_690_000);
    assert_eq!(block_subsidy_sats(64 * HALVING_INTERVAL), 0);
    assert_eq!(block_subsidy_sats(u64::MAX), 0);
}

#[test]
fn every_official_asert_vector() {
    use hashflight::consensus::asert;
    let dir = format!("{}/tests/data/asert", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 12);
    let mut checked = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let header = |key: &str| -> String {
            text.lines()
                .filter_map(|l| l.strip_prefix("##"))
                .filter_map(|l| l.trim().split_once(':'))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_else(|| panic!("{}: no `{key}`", f.display()))
        };
        let anchor_height: u64 = header("anchor height").parse().unwrap();
        let parent_time: i64 = text
            .lines()
            .filter_map(|l| l.strip_prefix("##"))
            .filter_map(|l| l.trim().split_once(':'))
            .find(|(k, _)| k.trim() == "anchor ancestor time" || k.trim() == "anchor parent time")
            .map(|(_, v)| v.trim().parse().unwrap())
            .unwrap();
        let anchor_bits = hex_u32(&header("anchor nBits"));
        let iterations: usize = header("iterations").parse().unwrap();
        let mut rows = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f2: Vec<&str> = line.split_whitespace().collect();
            let (height, time, bits): (u64, i64, u32) = (
                f2[1].parse().unwrap(),
                f2[2].parse().unwrap(),
                hex_u32(f2[3]),
            );
            assert_eq!(
                asert::next_bits(anchor_height, parent_time, anchor_bits, height, time),
                bits,
                "{} iteration {}",
                f.display(),
                f2[0]
            );
            rows += 1;
        }
        assert_eq!(rows, iterations, "{}", f.display());
        checked += rows;
    }
    assert_eq!(checked, 14_000);
}
