//! An `s3://` data root, read through DataFusion's object store from a real
//! S3-compatible server on 127.0.0.1 (moto, installed by .ci/run).

use crate::helpers::*;

/// A server holding `dir` under s3://extracts/`prefix`/.
fn start_s3(dir: &std::path::Path, prefix: &str) -> Helper {
    spawn_ready(
        "s3_server.py",
        &["extracts", prefix, dir.to_str().unwrap()],
        "is moto installed (pip install 'moto[server]')?",
    )
}

fn metrics(out: &std::path::Path) -> serde_json::Value {
    read_json(&out.join("equity-annual/FY2025-26/metrics.json"))["metrics"].clone()
}

#[test]
fn an_s3_data_root_gives_the_same_figures_as_the_folder() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let s3 = start_s3(&sample, "leeds/2026");
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let env = [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    let local = tempdir();
    let r = run_equity_annual(sample.to_str().unwrap(), local.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let remote = tempdir();
    let r = run_equity_annual("s3://extracts/leeds/2026", remote.path(), &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(metrics(remote.path()), metrics(local.path()));
    // the manifest names the objects read, with the same digests as the files
    let manifest =
        |out: &std::path::Path| read_json(&out.join("equity-annual/FY2025-26/manifest.json"));
    let (a, b) = (manifest(local.path()), manifest(remote.path()));
    assert_eq!(b["data_root"], "s3://extracts/leeds/2026");
    let digests = |m: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["sha256"].as_str().map(String::from))
            .collect();
        v.sort();
        v
    };
    assert_eq!(digests(&a), digests(&b));
    // a prefix with no extracts is named as the missing root, and nothing is written
    let none = tempdir();
    let r = run_equity_annual("s3://extracts/elsewhere", none.path(), &env);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("s3://extracts/elsewhere"), "{}", r.stderr);
    assert!(!none.path().join("equity-annual").exists());
}
