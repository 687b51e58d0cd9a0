//! The README's first command, as a new user runs it: the `linkedall` binary on the embedded
//! default (SQLite in a fresh folder) seeds a demo catalog, prints the shop's URL, serves the
//! home page through the edge, and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_demo_stack_prints_a_url_that_serves_the_shop_and_stops_on_ctrl_c() {
    let dir = std::env::temp_dir().join(format!("linkedall-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_linkedall"))
        .current_dir(&dir)
        .args(["--edge-listen", "127.0.0.1:0", "--origin-listen", "127.0.0.1:0", "--demo-products", "300"])
        .env_remove("LINKEDALL_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the demo binary starts");

    // Keep reading stdout open for the child's whole life: a closed pipe is not what we test.
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = stdout
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split("Open ").nth(1).map(|u| u.trim().to_owned()))
        .expect("the shop URL is printed");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // The demo accounts follow the URL: role, email, password.
    let accounts: Vec<Vec<String>> = stdout
        .by_ref()
        .map_while(Result::ok)
        .skip_while(|line| !line.contains("Demo accounts"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect();
    let roles: Vec<&str> = accounts.iter().map(|a| a[0].as_str()).collect();
    assert_eq!(roles, ["shopper", "vendor", "admin"], "{accounts:?}");
    let http = reqwest::Client::new();
    for account in &accounts {
        let (role, email, password) = (&account[0], &account[1], &account[2]);
        let session: serde_json::Value = http
            .post(format!("{url}api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["token"].as_str().unwrap_or_else(|| panic!("{role} signs in: {session}"));
        let (page, expected) = match role.as_str() {
            "vendor" => ("api/v1/vendor/products", 200),
            "admin" => ("api/v1/admin/audit-trail", 200),
            _ => ("api/v1/vendor/products", 403),
        };
        let answer = http.get(format!("{url}{page}")).bearer_auth(token).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), expected, "{role} on {page}");
        if role == "vendor" {
            let shop: serde_json::Value = answer.json().await.unwrap();
            assert!(!shop["products"].as_array().unwrap().is_empty(), "the vendor keeps a demo shop: {shop}");
            assert_eq!(shop["vendor"]["country"], "NG");
        }
    }

    let home = reqwest::get(&url).await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(
        body.contains("Featured today") && body.contains("class=\"price\""),
        "the home page lists products"
    );
    assert!(dir.join("data/linkedall.db").exists(), "the catalog lives in ./data");

    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the stack stops after Ctrl-C");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
    assert!(status.success(), "clean exit, got {status}; its log:\n{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
