use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::is_placeholder;
use crate::detect::testing::{all, found};
use crate::{Kind, Scanner};

/// A GitHub-style token with a valid CRC32 (computed here the way GitHub does).
fn github_like(prefix: &str, random30: &str) -> String {
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = crc32fast::hash(random30.as_bytes());
    let mut check = [b'0'; 6];
    for slot in check.iter_mut().rev() {
        *slot = B62[(n % 62) as usize];
        n /= 62;
    }
    format!("{prefix}{random30}{}", std::str::from_utf8(&check).unwrap())
}

fn assert_found(kind: Kind, text: &str, want: &str) {
    assert_eq!(found(kind, text), [want], "{kind} in {text:?}");
}

fn assert_none(kind: Kind, text: &str) {
    assert!(
        found(kind, text).is_empty(),
        "{kind} in {text:?}: {:?}",
        found(kind, text)
    );
}

#[test]
fn aws_access_key_ids() {
    for (t, w) in [
        (
            "aws_access_key_id = AKIAQYLPMN5HFIQR7XZM",
            "AKIAQYLPMN5HFIQR7XZM",
        ),
        (
            "\"AccessKeyId\": \"ASIAZ3MXQ7P2KLW4RT6N\"",
            "ASIAZ3MXQ7P2KLW4RT6N",
        ),
        ("role AROAJQABLZS4A3QDU576Q ok", "AROAJQABLZS4A3QDU576Q"),
    ] {
        if w.len() == 20 {
            assert_found(Kind::AWS_ACCESS_KEY_ID, t, w);
        }
    }
    for t in [
        "AKIAIOSFODNN7EXAMPLE",
        "key = AKIAXXXXXXXXXXXXXXXX",
        "TODAYINASIAASACKOFRICEFELLOVER",
        "xAKIAQYLPMN5HFIQR7XZM",
        "AKIAQYLPMN5HFIQR7XZMA",
        "akiaqylpmn5hfiqr7xzm",
    ] {
        assert_none(Kind::AWS_ACCESS_KEY_ID, t);
    }
}

#[test]
fn aws_secret_access_keys() {
    let s = "Zq3+uV9w/Kx2mB7nT4pL8rY1sD6fH0jG5cA9eW2Q";
    for t in [
        format!("aws_secret_access_key = {s}"),
        format!("AWS_SECRET_ACCESS_KEY=\"{s}\""),
        format!("\"SecretAccessKey\": \"{s}\""),
    ] {
        assert_found(Kind::AWS_SECRET_ACCESS_KEY, &t, s);
        assert!(found(Kind::GENERIC_SECRET, &t).is_empty());
    }
    // Pasted after its key id on the same line.
    for t in [
        format!("aws: AKIAQYLPMN5HFIQR7XZM / {s}"),
        format!("| AWS (ci) | AKIAQYLPMN5HFIQR7XZM | `{s}` | 2026-02-01 |"),
    ] {
        assert_found(Kind::AWS_SECRET_ACCESS_KEY, &t, s);
    }
    for t in [
        // A one-case digest, the next line, too far on the line.
        "AKIAQYLPMN5HFIQR7XZM commit 3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345".to_string(),
        format!("AKIAQYLPMN5HFIQR7XZM\n{s}"),
        format!("AKIAQYLPMN5HFIQR7XZM rotated on 2026-02-01 by the platform team: {s}"),
    ] {
        assert!(found(Kind::AWS_SECRET_ACCESS_KEY, &t).is_empty(), "{t}");
    }
    assert_found(
        Kind::AWS_SECRET_ACCESS_KEY,
        &format!("aws configure set aws_secret_access_key {s}"),
        s,
    );
    // A `secret` name next to an AWS key id.
    assert_found(
        Kind::AWS_SECRET_ACCESS_KEY,
        &format!("key id AKIAQYLPMN5HFIQR7XZM, secret: {s}"),
        s,
    );
    assert_none(
        Kind::AWS_SECRET_ACCESS_KEY,
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    assert_none(
        Kind::AWS_SECRET_ACCESS_KEY,
        "aws_secret_access_key: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    );
    // Wrong length.
    assert_none(
        Kind::AWS_SECRET_ACCESS_KEY,
        "aws_secret_access_key = Zq3+uV9w/Kx2mB7nT4pL8rY1sD6fH0jG5cA9eW2Qx",
    );
}

#[test]
fn github_tokens_need_their_checksum() {
    let t = github_like("ghp_", "Xb7Kp2Qz9LmN4vR8sT1wY6cD3fG5hJ");
    assert_found(Kind::GITHUB_TOKEN, &format!("GITHUB_TOKEN={t}"), &t);
    let o = github_like("gho_", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0");
    assert_found(Kind::GITHUB_TOKEN, &format!("https://x:{o}@github.com"), &o);
    let fine = "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";
    assert_found(Kind::GITHUB_TOKEN, &format!("token: {fine}"), fine);
    // Same shape, wrong checksum: scored below the default threshold.
    let mut bad = t.clone();
    bad.pop();
    bad.push(if t.ends_with('A') { 'B' } else { 'A' });
    assert_none(Kind::GITHUB_TOKEN, &format!("GITHUB_TOKEN={bad}"));
    let low = Scanner::builder().min_score(0.1).build().unwrap();
    assert_eq!(low.scan(&bad).len(), 1);
    // ... and never re-reported as a generic secret.
    assert!(all(&format!("token = \"{bad}\"")).is_empty());
    assert_none(
        Kind::GITHUB_TOKEN,
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    );
    assert_none(Kind::GITHUB_TOKEN, &format!("{t}x"));
}

#[test]
fn vendor_tokens() {
    for (kind, v) in [
        (Kind::GITLAB_TOKEN, "glpat-Xb7Kp2Qz9LmN4vR8sT1w"),
        (Kind::GITLAB_TOKEN, "glptt-0d66598d696a02da33fb65e2a041f607c68ea50d"),
        (Kind::STRIPE_KEY, "sk_live_51HxQz9LmN4vR8sT1wY6cD3fG"),
        (Kind::STRIPE_KEY, "rk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        (Kind::OPENAI_API_KEY, "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"),
        (
            Kind::ANTHROPIC_API_KEY,
            "sk-ant-api03-jSq6OMjv1syXaEUE0bvOckLe_GtCKy8lvZdko3eOJgV8TH-f2iyzRekyZNSby5d9ScikGYuqQhsrxML3X3N3rQ-XwQaQAAA",
        ),
        (Kind::SLACK_TOKEN, "xoxb-893582989554-899326518131-JRHeVv1o9Cf99fwDpuortR2D"),
        (Kind::SLACK_TOKEN, "xoxp-513768634356-513201028496-513937500594-185e196ace562dd6443b5d29b1d817c2"),
        (Kind::GOOGLE_API_KEY, "AIzaSyB4sU8lU15bR_87qNb7eUVQN72_vv8mpbU"),
        (Kind::SENDGRID_API_KEY, "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"),
        (Kind::PYPI_TOKEN, "pypi-AgEIcHlwaS5vcmcCJDkwNzYwNzU1LWMwOTUtNGNkOC1iYjQzLTU3OWNhZjI1NDQ1MwACJXsicGVybWCf99lvbnMiOiAidXNlciIsICJ2ZXJzaW9uIjogMX0AAAYgSpW5PAyw"),
        (Kind::HUGGINGFACE_TOKEN, "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"),
        (Kind::SHOPIFY_TOKEN, "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"),
        (Kind::DIGITALOCEAN_TOKEN, "dop_v1_ef0e04edc13918192246e0c90f0735c7f4db7a5a036a857e48d6cc98f1c9576b"),
        (Kind::MAIL_SERVICE_KEY, "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"),
        (Kind::MAIL_SERVICE_KEY, "cefa780880ba5f5696192a34f6292c35-us18"),
        (Kind::SAAS_TOKEN, "dckr_pat_hc8VxYclixyTr2rDFsa2rqzkP3Y"),
        (Kind::SAAS_TOKEN, "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"),
        (Kind::SAAS_TOKEN, "4839574813:AAFD39kkdpWt3ywyRZergyOLMaJhac61qcX"),
    ] {
        for t in [
            v.to_string(),
            format!("TOKEN={v}"),
            format!("\"{v}\""),
            format!("use {v}."),
        ] {
            assert_found(kind, &t, v);
        }
    }
    let discord = "https://discord.com/api/webhooks/123456789012345678/Xb7Kp2Qz9LmN4vR8sT1wY6cD3fG5hJ0kXb7Kp2Qz9LmN4vR8sT1wY6cD3fG5hJ0kQ9";
    assert_found(Kind::SAAS_TOKEN, &format!("hook = \"{discord}\""), discord);
    let npm = github_like("npm_", "Xb7Kp2Qz9LmN4vR8sT1wY6cD3fG5hJ");
    assert_found(
        Kind::NPM_TOKEN,
        &format!("//registry.npmjs.org/:_authToken={npm}"),
        &npm,
    );
    let hook = "https://hooks.slack.com/services/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";
    assert_found(Kind::SLACK_TOKEN, &format!("webhook: {hook}"), hook);
    let azure = format!(
        "{}==",
        "Ab3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz"
            .repeat(3)
            .get(..86)
            .unwrap()
    );
    assert_found(
        Kind::AZURE_STORAGE_KEY,
        &format!("DefaultEndpointsProtocol=https;AccountName=x;AccountKey={azure};EndpointSuffix=core.windows.net"),
        &azure,
    );
}

#[test]
fn vendor_hard_negatives() {
    for t in [
        "pk_live_51HxQz9LmN4vR8sT1wY6cD3fG",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        "xoxb-your-bot-token-here",
        "xoxb-12345-abcd234",
        "https://example.org/2018-xoxo-party.jpg",
        "hooks.slack.com/services/",
        "the risk-free desk-level task-based approach",
        "SG.example.com",
        "glpat-",
        "AIza is the prefix of Google API keys",
        "monkey-value pairs and key-value stores",
        "&hf_servingcellpriorityparametersdescription",
        "dapiDataGetTopLongShortPositionRatio()",
    ] {
        assert!(all(t).is_empty(), "{t:?}: {:?}", all(t));
    }
}

fn jwt_of(header: &str, payload: &str, sig: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        sig
    )
}

#[test]
fn jwts() {
    let t = jwt_of(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","iat":1516239022}"#,
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    );
    for text in [
        format!("Authorization: Bearer {t}"),
        format!("token={t}&x=1"),
        format!("\"{t}\""),
        t.clone(),
    ] {
        assert_found(Kind::JWT, &text, &t);
    }
    // alg none, empty signature: reported (it is still a session token).
    let none = jwt_of(r#"{"alg":"none"}"#, r#"{"sub":"x"}"#, "");
    assert_found(Kind::JWT, &format!("t {none} end"), &none);
    // Header without alg, payload not JSON, a lone header, a JWE-like five-part token.
    let no_alg = jwt_of(r#"{"typ":"JWT"}"#, r#"{"sub":"x"}"#, "abc");
    let not_json = jwt_of(r#"{"alg":"HS256"}"#, "hello world", "abc");
    for text in [
        no_alg,
        not_json,
        "eyJhbGciOiJIUzI1NiJ9".to_string(),
        format!("{t}.eyJ4IjoxfQ.abc"),
        "eyeball.eyebrow.eyelash".to_string(),
    ] {
        assert_none(Kind::JWT, &text);
    }
    // A JWT assigned to a token name is a JWT, not a generic secret.
    assert_eq!(all(&format!("id_token = \"{t}\"")), [("jwt", t.clone())]);
}

fn pem_block(label: &str, lines: usize) -> String {
    let body: Vec<String> = (0..lines)
        .map(|i| format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYS{i:02}"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----",
        body.join("\n")
    )
}

#[test]
fn private_keys() {
    for label in [
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "DSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
    ] {
        let block = pem_block(label, 4);
        assert_found(Kind::PRIVATE_KEY, &format!("key:\n{block}\nthanks"), &block);
    }
    // JSON-escaped newlines, as in a service-account file.
    let escaped = pem_block("PRIVATE KEY", 3).replace('\n', "\\n");
    assert_found(
        Kind::PRIVATE_KEY,
        &format!("{{\"private_key\": \"{escaped}\\n\"}}"),
        &escaped,
    );
    // Encrypted PEM with headers.
    let enc = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\nKs14IReLcYgADhoXk56ZzXI=\n-----END RSA PRIVATE KEY-----";
    assert_found(Kind::PRIVATE_KEY, enc, enc);
    // Truncated: BEGIN + base64 lines, no END.
    let full = pem_block("RSA PRIVATE KEY", 3);
    let cut = full.split("\n-----END").next().unwrap();
    assert_found(
        Kind::PRIVATE_KEY,
        &format!("{cut}\n... (rest omitted)"),
        cut,
    );
    // Not private keys.
    for t in [
        pem_block("PUBLIC KEY", 4),
        pem_block("CERTIFICATE", 4),
        pem_block("RSA PUBLIC KEY", 4),
        pem_block("PGP PUBLIC KEY BLOCK", 4),
        "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----".to_string(),
        "-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----".to_string(),
        "-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----".to_string(),
    ] {
        assert_none(Kind::PRIVATE_KEY, &t);
    }
    // Mismatched END label: reported as a truncated block only up to its base64 body.
    let mism = pem_block("RSA PRIVATE KEY", 3).replace("END RSA", "END EC");
    let got = found(Kind::PRIVATE_KEY, &mism);
    assert_eq!(got.len(), 1);
    assert!(!got[0].contains("END"));
}

#[test]
fn pem_block_past_the_cap_is_reported_up_to_the_cap() {
    let mut text = String::from("-----BEGIN PRIVATE KEY-----\n");
    while text.len() < super::pem::MAX_BLOCK + 4096 {
        text.push_str("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\n");
    }
    text.push_str("-----END PRIVATE KEY-----");
    let got = found(Kind::PRIVATE_KEY, &text);
    assert_eq!(got.len(), 1);
    assert!(got[0].len() <= super::pem::MAX_BLOCK);
    assert!(got[0].starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn connection_strings() {
    // StackExchange.Redis options after an endpoint.
    let redis = "cache-8.internal.example.com:6380,password=uPq0o8oHEmNFN1n4,ssl=True";
    assert_found(
        Kind::CONNECTION_STRING,
        &format!("\"Redis\": \"{redis}\""),
        redis,
    );
    for t in ["\"a,password=changeme\"", "\"x,password=Hunter2abc,y\""] {
        assert_none(Kind::CONNECTION_STRING, t);
    }
    for u in [
        "postgres://app:S3cure#Pass99@db.internal:5432/app",
        "postgresql://user:secret@localhost/otherdb?connect_timeout=10",
        "mongodb+srv://svc:Zxcvbnm@12345)@cluster0.ab1cd.mongodb.net/prod?retryWrites=true",
        "redis://:p4ssW0rdXy@cache:6379/0",
        "jdbc:mysql://report:Tr0ub4dor3@mysql.example.com:3306/db",
        "amqps://worker:q7WmZ2pL9@rabbit.example.com/vhost",
        "https://ci-bot:g8Kp2vLq9x@git.example.com/org/repo.git",
        "mongodb://u:p%40ssw0rd@a.example.com:27017,b.example.com:27017/?replicaSet=rs0",
        "jdbc:mysql://db.example.com:3306/shop?user=app&password=Tr0ub4dor3&useSSL=true",
    ] {
        for t in [
            u.to_string(),
            format!("DATABASE_URL={u}"),
            format!("url: \"{u}\""),
            format!("connect to {u}, then retry."),
        ] {
            assert_found(Kind::CONNECTION_STRING, &t, u);
        }
    }
    for t in [
        "postgres://app@db.internal:5432/app",
        "postgres://user:password@localhost/db",
        "mysql://root:<password>@localhost/test",
        "redis://:${REDIS_PASSWORD}@redis:6379",
        "amqp://guest:****@rabbit:5672/",
        "https://example.com/a?b=c#d",
        "ssh://git@github.com/org/repo",
        "ftp://anonymous:@ftp.example.com",
        "http://test:test@localhost",
        "postgres://%3Cuser%3E:%3Cpassword%3E@host/db",
        "https://example.com?next=user:pw@evil.example",
        "https://example.com:8080?u=x@y.example",
        "https://example.com/reset?password=&token=",
        "jdbc:mysql://db/shop?user=app&password=${DB_PASSWORD}",
        // libpq pairs need a host and a database, user or port.
        "login failed user=bob password=Xb7Kp2Qz9Lm ip=10.1.2.3",
        "host=db dbname=app password=${PGPASSWORD}",
    ] {
        assert_none(Kind::CONNECTION_STRING, t);
    }
    // libpq keyword/value strings.
    let dsn = "host=pg.ledger.internal port=5432 user=ledger password=ANDU-lD-BPCIdUSb9F dbname=ledger sslmode=disable";
    for t in [
        format!("sql.Open(\"postgres\", \"{dsn}\")"),
        format!("psql '{dsn}'"),
        format!("connect with {dsn}."),
        // After a variable's name, in an env file and in a JSON string read raw.
        format!("DATABASE_URL={dsn}\nLOG=1"),
        format!("{{\"env\": \"DATABASE_URL={dsn}\\nLOG=1\"}}"),
        format!("{{\"text\": \"the string:\\n```\\n{dsn}\\n```\"}}"),
    ] {
        assert_found(Kind::CONNECTION_STRING, &t, dsn);
    }
    // The variable's name must be a name.
    assert_none(
        Kind::CONNECTION_STRING,
        "x.y=host=db user=app password=ANDU-lD-BPCIdUSb9F",
    );
}

#[test]
fn tokens_in_git_remotes_are_the_finding() {
    // A vendor token as a URI's password is reported as the token; the URI is the fallback for
    // a token that fails its checks.
    let tok = github_like("ghs_", "RtwZhaeUydmPWgtvopsZEuqG1qsFm8");
    let t = format!("git clone https://x-access-token:{tok}@github.com/acme/payments.git");
    assert_eq!(all(&t), [("github_token", tok.clone())]);
    let bad = format!("{}AAAAAA", &tok[..tok.len() - 6]);
    let t = format!("git clone https://x-access-token:{bad}@github.com/acme/payments.git");
    assert_eq!(found(Kind::CONNECTION_STRING, &t).len(), 1, "{t}");
}

#[test]
fn ado_connection_strings() {
    for c in [
        "Server=tcp:sql.example.com,1433;Initial Catalog=orders;User ID=svc;Password=S3cure#Pass99;Encrypt=True;",
        "Data Source=190.190.200.100,1433;Network Library=DBMSSOCN;Initial Catalog=myDataBase;User ID=myUsername;Password=q7WmZ2pL9;",
        "Driver={ODBC Driver 18 for SQL Server};Server=db02;Database=sales;Uid=report;Pwd=Tr0ub4dor3;",
        "Server=host;Port=5432;User Id=username;Password=secret;Database=databasename;",
    ] {
        assert_found(Kind::CONNECTION_STRING, &format!("conn = \"{c}\""), c);
    }
    assert_found(
        Kind::CONNECTION_STRING,
        "use Server=db;Database=x;User Id=u;Password=g8Kp2vLq9; then connect",
        "Server=db;Database=x;User Id=u;Password=g8Kp2vLq9;",
    );
    for t in [
        "Server=db01;Database=HR;Integrated Security=true;",
        "Server=db01;Database=HR;User Id=hr;Password=${DB_PASSWORD};",
        "Server=db01;Database=HR;User Id=hr;Password=<password>;",
        "Password=Tr0ub4dor3;",
    ] {
        assert_none(Kind::CONNECTION_STRING, t);
    }
}

#[test]
fn passwords() {
    for (t, w) in [
        (
            "Key                Value\n---                -----\ndb_password        usXQQsDaioZ4@\n",
            "usXQQsDaioZ4@",
        ),
        (
            "AWS_ACCESS_KEY_ID     AKIAQYLPMN5HFIQR7XZM\nREGISTRY_PASSWORD     Pixel-Orbit-10@\n",
            "Pixel-Orbit-10@",
        ),
        (
            "Environment=\"SPRING_DATASOURCE_PASSWORD=Lantern%1877wdh\"",
            "Lantern%1877wdh",
        ),
        ("password = \"Tr0ub4dor&3\"", "Tr0ub4dor&3"),
        (
            "session.auth = (\"integration\", \"pepper-copper-violet-86\")",
            "pepper-copper-violet-86",
        ),
        ("DB_PASSWORD=whiteduke", "whiteduke"),
        ("  password: hunter2!Xy\n", "hunter2!Xy"),
        (
            "{\"user\": \"svc\", \"password\": \"S3cure#Pass99\"}",
            "S3cure#Pass99",
        ),
        ("{\\\"password\\\": \\\"S3cure#Pass99\\\"}", "S3cure#Pass99"),
        ("mysql -u root --password q7W!mZ2pL9 shop", "q7W!mZ2pL9"),
        ("spring.datasource.password=Winter2024!", "Winter2024!"),
        ("$password = 'g8^Kp2@vLq';", "g8^Kp2@vLq"),
        ("<password>Blue-Sky-742</password>", "Blue-Sky-742"),
        ("my wifi password is Zx9$wq4Tm if you need it", "Zx9$wq4Tm"),
        ("I can't log in, my password was SD7OfEi1FWRGFmbxNvm and now", "SD7OfEi1FWRGFmbxNvm"),
        // An escape ends a value where the next line of an escaped text follows; a backslash
        // inside a value does not.
        (r"port = 5432\npassword = C5z~mGfmbapgOoZ\n\n[smtp]", "C5z~mGfmbapgOoZ"),
        (r"password: Orchid^1978nj\nstorage:\n", "Orchid^1978nj"),
        // Listings: a value may start with the letters of "is" and "was".
        ("db_password        Wq4!tRz8Lm2#\ntoken_ttl          768h\n", "Wq4!tRz8Lm2#"),
        ("db_password        iQ4!tRz8Lm2x\ntoken_ttl          768h\n", "iQ4!tRz8Lm2x"),
        (
            "The new password for the test server is Falcon*5162cobalt - do not share.",
            "Falcon*5162cobalt",
        ),
        (
            "Das neue Passwort für den Testserver lautet Falcon*5162cobalt.",
            "Falcon*5162cobalt",
        ),
        ("Mot de passe du portail : EKlO4@pv_stKhW", "EKlO4@pv_stKhW"),
        ("Password for jane@corp.example: Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("The password for the db is: 'Winter2025!'", "Winter2025!"),
        (
            "2. Break-glass password for `ops`: `Cobalt?2013uo` (rotate after use!).",
            "Cobalt?2013uo",
        ),
        (
            "La password dell'account amministratore è juniper%nimbus%heron7, cambiala",
            "juniper%nimbus%heron7",
        ),
        ("if password == \"team10\":", "team10"),
        (
            "<add key=\"SmtpPassword\" value=\"n0tS0S3cret!\" />",
            "n0tS0S3cret!",
        ),
        ("REACT_APP_AUTH_PASS=whiteduke", "whiteduke"),
        ("admin_pass := \"CorrectHorse7!\"", "CorrectHorse7!"),
        (
            "curl -u admin:Xb7Kp2Qz9Lm https://x.example.com",
            "Xb7Kp2Qz9Lm",
        ),
        (
            "curl --user 'deploy:Qz9LmN4vR8sT' https://x",
            "Qz9LmN4vR8sT",
        ),
        ("mysql -h db -u root -pS3cretPass99 shop", "S3cretPass99"),
        (
            "docker login -u alice -p Xb7Kp2Qz9LmN4vR8 registry.example.com",
            "Xb7Kp2Qz9LmN4vR8",
        ),
        (
            "EMAIL_HOST_PASSWORD = 'abcd efgh ijkl mnop'",
            "abcd efgh ijkl mnop",
        ),
        (
            "GET /login?username=bob&password=hunter2x HTTP/1.1",
            "hunter2x",
        ),
        (
            "curl --user kevin:'pRf7vG2h1L8nQkW9' -iX PATCH",
            "pRf7vG2h1L8nQkW9",
        ),
        (
            "curl -k -X POST https://x/y \\\n  -u developer:yqDVtkqPECriaLRi",
            "yqDVtkqPECriaLRi",
        ),
        ("CREATE USER app WITH PASSWORD 'S3cret!Pw';", "S3cret!Pw"),
        ("os.Setenv(\"DB_PASSWORD\", \"Tr0ub4dor3\")", "Tr0ub4dor3"),
        (
            "machine api.example.com login deploy password Xb7Kp2Qz9Lm",
            "Xb7Kp2Qz9Lm",
        ),
        ("ALTER ROLE app PASSWORD 'g8Kp2vLq9x';", "g8Kp2vLq9x"),
        // A quoted value may start or end with `+`; only unquoted ones are concatenations.
        ("DB_PASSWORD=\"+gFbcgZI_Y7EzfMb9\"", "+gFbcgZI_Y7EzfMb9"),
        (
            "const DB_PASSWORD: &str = \"Orchid!Meadow4388\";",
            "Orchid!Meadow4388",
        ),
        // Redis.
        ("requirepass S3cr3tPass9", "S3cr3tPass9"),
        ("masterauth S3cr3tPass9\n", "S3cr3tPass9"),
        ("redis-server --requirepass S3cr3tPass9", "S3cr3tPass9"),
        // Argument vectors and credential constructors.
        (
            "command: [\"redis-server\", \"--requirepass\", \"*RDMLN61OGsiN_*ow.QJ\"]",
            "*RDMLN61OGsiN_*ow.QJ",
        ),
        (
            "subprocess.run(['mysql', '--password', 'Xb7Kp2Qz9Lm'])",
            "Xb7Kp2Qz9Lm",
        ),
        (
            "Credentials = new NetworkCredential(\"svc-notifications\", \"Orchid!Meadow4388\")",
            "Orchid!Meadow4388",
        ),
        (
            "r = requests.get(url, auth=HTTPBasicAuth('api', 'Xb7Kp2Qz9Lm'))",
            "Xb7Kp2Qz9Lm",
        ),
        (
            "requests.get(url, auth=('admin', 'Xb7Kp2Qz9Lm'))",
            "Xb7Kp2Qz9Lm",
        ),
        // `%d`/`%s` followed by a letter or digit is no printf conversion.
        (
            "curl -u admin:%dg1++yZ+qNDc_rB https://jenkins.example",
            "%dg1++yZ+qNDc_rB",
        ),
        (
            "CREATE USER 'app'@'%' IDENTIFIED BY 'Tr0ub4dor3';",
            "Tr0ub4dor3",
        ),
    ] {
        assert_found(Kind::PASSWORD, t, w);
    }
}

#[test]
fn password_hard_negatives() {
    for t in [
        // Prose with wide gaps is no listing; a `:` field spec in a string.
        "The password  is required here.",
        "password  reset link sent",
        "x = \"passwd:gecos\"",
        "password = \"changeme\"",
        "password: <password>",
        "DB_PASSWORD=${DB_PASSWORD}",
        "DB_PASSWORD=$DB_PASSWORD",
        "REDIS_URL: redis://:${REDIS_PASSWORD:?redis password required}@cache:6379/0",
        "DB_PASSWORD: ${DB_PASSWORD?set it in .env}",
        "args: ${API_TOKEN:+--token=$API_TOKEN}",
        "# requirepass foobared",
        "CREATE ROLE app_rw LOGIN PASSWORD :'app_pw';",
        "argv = [\"--password\", \"--verbose\"]",
        "auth = HTTPBasicAuth(user, password)",
        "new NetworkCredential(user, pass)",
        "curl -u admin:%s https://x",
        "password = \"%s:%s\" % (a, b)",
        "the requirepass directive sets it",
        "password = prefix + \"-suffix\"",
        "let password: String = read_password()?;",
        "const TOKEN_TYPE: &str = \"Bearer\";",
        "var secret = []byte(os.Getenv(\"JWT_SECRET\"))",
        "password = os.environ['DB_PASSWORD']",
        "password = os.environ.get(\"DB_PASSWORD\")",
        "const password = process.env.DB_PASSWORD;",
        "const password = process.env.DB_PASSWORD || \"\";",
        "const token = process.env.TOKEN || defaultToken;",
        "password = \"\"",
        "password = ''",
        "PASSWORD=****",
        "password: xxxxxxxx",
        "password: your_password",
        "password = None",
        "password: null",
        "password: str",
        "password: str = Field(...)",
        "def login(user: str, password: str) -> bool:",
        "password = get_password(user)",
        "password = args.password",
        "Please enter your password to continue.",
        "Password: required (min 12 chars)",
        "The password is incorrect.",
        "The password for the account is incorrect.",
        "INFO settle batch=076055 last4=2897 token=tok_adqLCB3VLrxrafQQsCEtXLBf",
        "htpasswd: billing:$apr1$jj3JIRLP$YSN28qk3gJxQNX82FJdckD",
        "token_accessor       IKHn9wOMN7jfkcFAeByWGUa5\ntoken_duration       24h\n",
        "password: \"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\"",
        "auth ok token=tok_Q5BlguGUoKpdPG3sVro5aEkW pm=pm_A8KndLxUXjlD5pNc6zJ9dHGj",
        "The password for user 5 is stored in vault",
        "Reset password for account 12345 is complete",
        "The password for prod. It is Xyz12345 per the ticket",
        "Your passport for travel is X12345678",
        "Password for the guest wifi: guest",
        "the password is required",
        "<input type=\"password\" autocomplete=\"new-password\">",
        "password_hash = \"$2b$12$KIXQJ1yZf3cZ5y9Qw0Zp4uTr0m8m2gS1r4bX8vW2hQyT6nLkP3e9a\"",
        "forgot_password_url = \"https://example.com/reset\"",
        "passwd: files systemd",
        "password: \"{{ vault_db_password }}\"",
        "--password $DB_PASS",
        "password = \"%(db_password)s\"",
        "password=\"123\"",
        "this.addPassword = \"#add-password\";",
        "We passed the test and the passenger got his passport back via the bypass.",
        "git push -u origin main",
        "curl -u \"$USER:$PASS\" https://x",
        "curl -u username:password https://x",
        "docker run -u 1000 -p 8080:80 nginx",
        "ALTER USER app WITH PASSWORD NULL;",
        "-- change the password 'later'",
        "mysql -u root -p",
        "mysql -u root -p$MYSQL_ROOT_PASSWORD",
        "message = 'please check the password field and try again'",
        "defaults = dict.fromkeys(['username', 'password', 'repository'])",
        "keywords = ['or', 'pass', 'public', 'return']",
        "check('password', 'is required')",
        "const key1 = scryptSync('password', 'salt2024', 64);",
        "MovedAttribute(\"HTTPPasswordMgr\", \"urllib2\", \"urllib.request\"),",
        "fields = [\"passwd:name\", \"passwd:gecos\"]",
        "index_url_user_password = index_info",
        ":param password: the password to use",
        "Provided via the --username and --password options.",
        "    PWD: '/Users/maciej',",
        "#password_encryption = scram-sha-256",
        "user_pass = '%s:%s' % (user, password)",
        "pub log_passwd: __u32,",
        "formatter.field(\"colon2_token\", &self.colon2_token);",
        "pub type TokenStream2 = proc_macro2::TokenStream;",
        "pub const DEVCONF_STABLE_SECRET: _bindgen_ty_3 = 3;",
        "DEVSTAT_MATCH_PASS = 0x04,",
        "let token: cpuid_aes_sha::InitToken = init();",
    ] {
        assert_none(Kind::PASSWORD, t);
        assert!(all(t).is_empty(), "{t:?}: {:?}", all(t));
    }
}

#[test]
fn generic_secrets() {
    let g = "Xb7Kp2Qz9LmN4vR8sT1wY6cD3fG5hJ0k";
    for t in [
        format!("API_SECRET={g}"),
        // The default of an environment lookup.
        format!("const JWT_SECRET = process.env.JWT_SECRET || \"{g}\";"),
        format!("const secret = process.env.APP_SECRET ?? '{g}';"),
        format!("SESSION_SECRET = ENV.fetch(\"SESSION_SECRET\", \"{g}\")"),
        format!("SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"{g}\")"),
        format!("client_secret: \"{g}\""),
        format!("\"api_key\": \"{g}\""),
        format!("JWT_SECRET_KEY = '{g}'"),
        format!("headers = {{\"X-Api-Key\": \"{g}\"}}"),
        format!("const apiKey = \"{g}\";"),
        format!("auth_token: {g}"),
        format!("curl -H \"Authorization: Bearer {g}\" https://api.example.com"),
        format!("--api-key {g}"),
        format!("Hi! My API key is {g}, can you check why it fails?"),
        format!("the secret key: {g}"),
        format!("my token is {g}."),
        format!("os.environ['API_KEY'] = '{g}'"),
        format!("app.config[\"SECRET_KEY\"] = \"{g}\""),
        // Typed declarations and Go's byte-slice conversion.
        format!("const API_KEY: &str = \"{g}\";"),
        format!("static SIGNING_SECRET: &'static str = \"{g}\";"),
        format!("let api_token: String = \"{g}\".into();"),
        format!("var jwtSecret = []byte(\"{g}\")"),
        // Key names with a cipher qualifier.
        format!("AES_KEY={g}"),
        format!("  deterministic_key: {g}"),
        format!("kms_dek_key = '{g}'"),
        format!("\"secondaryKey\": \"{g}\""),
    ] {
        assert_found(Kind::GENERIC_SECRET, &t, g);
    }
    // UUIDs and hex strings under a secret name are secrets (Heroku, Mapbox, …).
    assert_found(
        Kind::GENERIC_SECRET,
        "HEROKU_API_KEY=7c2f9e41-3b8d-4a6e-9f1c-d5e08a7b2c93",
        "7c2f9e41-3b8d-4a6e-9f1c-d5e08a7b2c93",
    );
    // A prefixed token under a secret name is reported as the vendor kind only.
    let v = "sk_live_51HxQz9LmN4vR8sT1wY6cD3fG";
    assert_eq!(
        all(&format!("api_key = \"{v}\"")),
        [("stripe_key", v.to_string())]
    );
    assert_eq!(
        all(&format!("password = \"{v}\"")),
        [("stripe_key", v.to_string())]
    );
}

#[test]
fn generic_hard_negatives() {
    for t in [
        "api_key = \"YOUR_API_KEY\"",
        "api_key = \"<api-key>\"",
        "SECRET_KEY = os.environ.get('SECRET_KEY')",
        "token = request.headers.get('Authorization')",
        "csrf_token = \"Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7V4eUrLfpuyOuxmiW9rhROG\"",
        "public_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"",
        "max_tokens = 4096",
        "token_type = \"Bearer\"",
        "secret_name = \"prod/db/credentials\"",
        "api_key_id = \"a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6\"",
        "token_sha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",
        "SECRET_FILE=/run/secrets/app_secret",
        "token_url = \"https://oauth2.googleapis.com/token\"",
        "primary_key = \"order_id\"",
        "author = \"Jane Developer\"",
        "tokenizer = AutoTokenizer.from_pretrained(\"bert-base-uncased\")",
        "access_token_lifetime = 3600",
        "SECRET_KEY=django-insecure-change-me",
        "LLM_SECRET_NAME = \"NEXUS-GPT4-API-KEY\"",
        "notes = \"Maven - io.jsonwebtoken:jjwt-jackson-0.11.2\"",
        "secret_length = X25519.secret_length",
        "credentialsId: 'ff083f76-7804-4ef1-80e4-fe975bb9141b'",
        "keyPressed = kVK_Return.u16",
        "api_version = \"2024-06-01\"",
        "const keyStr = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\"",
        "The secret to good bread is time; token economies reward participation.",
        "Your API key is shown only once, so store it safely.",
        "The access key is AKIA-something; ask ops.",
        "My token is expired and the secret key is rotated weekly.",
        "The API key is 32 characters long.",
    ] {
        assert!(all(t).is_empty(), "{t:?}: {:?}", all(t));
    }
}

/// Name/value pairs: the secret's name is the value of a `name`/`key` field and the secret is in
/// the `value` field right after it (Kubernetes env lists, CloudFormation, Postman and HTTP
/// header arrays, ECS task definitions, HCL, serialized forms).
#[test]
fn name_value_pairs() {
    let aws = "7CSS0WBt4q3IQpOI4HsIDQspIL6ZZcQ0Rm/A2TQh";
    let g = "J3ZlWq9893HH3yOg7MnbDpnBG2HiGnY3";
    let k8s = format!(
        "      containers:\n        - name: worker\n          env:\n            \
         - name: LOG_LEVEL\n              value: info\n            \
         - name: AWS_SECRET_ACCESS_KEY\n              value: \"{aws}\"\n            \
         - name: BILLING_API_TOKEN\n              value: {g}\n"
    );
    assert_eq!(
        all(&k8s),
        [
            ("aws_secret_access_key", aws.to_string()),
            ("generic_secret", g.to_string())
        ]
    );
    // CRLF line ends.
    assert_found(
        Kind::GENERIC_SECRET,
        &format!("  - name: BILLING_API_TOKEN\r\n    value: '{g}'\r\n"),
        g,
    );
    for t in [
        // Postman, inline and pretty-printed; `key` in any case the name has.
        format!("\"header\": [{{\"key\": \"X-Api-Key\", \"value\": \"{g}\", \"type\": \"text\"}}]"),
        format!("{{\n  \"header\": [\n    {{\n      \"key\": \"x-api-key\",\n      \"value\": \"{g}\"\n    }}\n  ]\n}}"),
        // A header array with a scheme.
        format!("\"headers\":[{{\"name\":\"Authorization\",\"value\":\"Bearer {g}\"}}]"),
        // HCL (Terraform container definitions).
        format!("  environment = [\n    {{ name = \"SERVICE_TOKEN\", value = \"{g}\" }},\n  ]"),
        // .NET appSettings (handled by the `value=` operator before pairs existed).
        format!("<add key=\"ApiSecret\" value=\"{g}\" />"),
    ] {
        assert_found(Kind::GENERIC_SECRET, &t, g);
    }
    for (t, w) in [
        (
            "        Environment:\n          - Name: DB_PASSWORD\n            Value: 'Vq7#mT2x!pLs'\n",
            "Vq7#mT2x!pLs",
        ),
        (
            "\"environment\": [ { \"name\": \"DB_PASSWORD\", \"value\": \"Pq8$wLz3nR\" } ]",
            "Pq8$wLz3nR",
        ),
        // jQuery `serializeArray()` of a login form.
        (
            "[{\"name\":\"username\",\"value\":\"mlopez\"},{\"name\":\"password\",\"value\":\"Tr4vel!ng2024\"}]",
            "Tr4vel!ng2024",
        ),
    ] {
        assert_eq!(all(t), [("password", w.to_string())], "{t:?}");
    }
}

#[test]
fn name_value_pair_hard_negatives() {
    let g = "J3ZlWq9893HH3yOg7MnbDpnBG2HiGnY3";
    for t in [
        // A Kubernetes secret reference: no value in the text.
        "            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-creds\n                  key: password\n".to_string(),
        "  - name: API_TOKEN\n    valueFrom: {secretKeyRef: {name: api, key: token}}\n".to_string(),
        // Names that are not secrets.
        "            - name: LOG_LEVEL\n              value: debug\n".to_string(),
        format!("{{\"key\": \"X-Request-Id\", \"value\": \"{g}\"}}"),
        format!("{{\"name\": \"token_url\", \"value\": \"https://auth.internal/{g}\"}}"),
        // The `value` is separated from the name by another field.
        format!("{{\"key\": \"X-Api-Key\", \"type\": \"text\", \"value\": \"{g}\"}}"),
        format!("  - name: API_TOKEN\n    description: set by CI\n  - name: REGION\n    value: {g}\n"),
        // Not on the next line at the name's indentation.
        format!("- name: API_TOKEN\n\n  value: {g}\n"),
        format!("      - name: API_TOKEN\n  value: {g}\n"),
        format!("- name: API_TOKEN\n# value: {g}\n"),
        // Placeholders, templates and references.
        "- name: STRIPE_SECRET_KEY\n  value: \"<your-stripe-secret>\"\n".to_string(),
        "{\"key\": \"Authorization\", \"value\": \"Bearer {{access_token}}\"}".to_string(),
        "- name: DB_PASSWORD\n  value: ${DB_PASSWORD}\n".to_string(),
        "- name: DB_PASSWORD\n  value: \"{{ .Values.db.password }}\"\n".to_string(),
        "      - Name: DB_PASSWORD\n        Value: !Ref DatabasePassword\n".to_string(),
        "    { name = \"DB_PASSWORD\", value = var.db_password },\n".to_string(),
        "    { name = \"DB_PASSWORD\", value = aws_secretsmanager_secret_version.db.secret_string },\n".to_string(),
        // Unquoted values after a comma or `=` are code.
        "const field = { name: 'password', value: userPass };".to_string(),
        "fields.push({\n  name: 'password',\n  value: currentUser.pw\n});".to_string(),
        "fields.push({\n  name: 'password',\n  value: userPass,\n});".to_string(),
        "  { name = \"DB_PASSWORD\"\n    value = local.dbPass }".to_string(),
        format!("key = api_key\nvalue = \"{g}\"\n"),
        // Low-entropy or short values.
        "- name: API_KEY\n  value: \"aaaaaaaaaaaaaaaaaaaaaaaa\"\n".to_string(),
        "- name: SESSION_SECRET\n  value: development\n".to_string(),
        "- name: DB_PASSWORD\n  value: \"\"\n".to_string(),
    ] {
        assert!(all(&t).is_empty(), "{t:?}: {:?}", all(&t));
    }
}

/// Random printable values (WordPress salts, Django secret keys) under a strong secret name:
/// `<`, `>`, `{`, `%` or a space would make them templates or prose under the generic rule.
#[test]
fn punctuation_rich_secrets() {
    let salts = [
        r"Lk1,ur[N#0Xt%zWbnXjgS`Tdd$8P;M5Pp@7_<vt[%A3<R6]D.?i(Zez`wf`*g5`y",
        r"9|.cq`^B%ru=xXI2&1kXNxSwH7@1K7wP%94p^^JmBDal6`Q0*,xdTuT);_&Bo<|J",
        r"YGsDccJ*91HOr>[lw(e+$HR~%Oh=b>F8hC.$tZ?UD)JRzVT6~6(8. Nyu>0t!aT%",
        r")-B-L-I,)qmHm3vn;hTx`>n#OJ[iLOuHGib0G1bhmEcNpm;)_SO6{>+|}eZO{B]7",
    ];
    // `LOGGED_IN_SALT` and `NONCE_SALT` hold no anchor: they are read as part of the block of
    // `define` lines that starts at a name with one.
    let wp = format!(
        "define( 'AUTH_KEY',         '{}' );\ndefine( 'SECURE_AUTH_KEY',  '{}' );\n\
         define( 'LOGGED_IN_SALT',   '{}' );\n\tdefine('NONCE_SALT', \"{}\");\n",
        salts[0], salts[1], salts[2], salts[3]
    );
    assert_eq!(all(&wp), salts.map(|s| ("generic_secret", s.to_string())));
    // Any other line ends the block; a lone `NONCE_SALT` line is not found (no anchor).
    let broken = format!(
        "define( 'AUTH_KEY', '{}' );\n$table_prefix = 'wp_';\ndefine( 'NONCE_SALT', '{}' );\n",
        salts[0], salts[3]
    );
    assert_eq!(all(&broken), [("generic_secret", salts[0].to_string())]);
    let s = salts[1];
    for t in [
        format!("define(\"AUTH_SALT\",\"{s}\");"),
        format!("define('NONCE_KEY', '{s}');"),
        format!("\"client_secret\": \"{s}\""),
        format!("JWT_SECRET = '{s}'"),
    ] {
        assert_found(Kind::GENERIC_SECRET, &t, s);
    }
    // Django: lower case, digits and symbols.
    let dj = "8bto6x8f3*=0juj-6c4adgw@-(qv+bk6mf1&1mkpo&5nxk81_1";
    assert_found(Kind::GENERIC_SECRET, &format!("SECRET_KEY = '{dj}'\n"), dj);
    // Escaped quotes stay inside the value; an escaped backslash ends before the quote.
    let esc = r"Gq7<Lm2\'Wz9>Rt4!Yp1&Kd8^Hs3*Fb6(Nc0)Vx5~Jh2]Ae7[Um4";
    assert_found(
        Kind::GENERIC_SECRET,
        &format!("define( 'NONCE_KEY', '{esc}' );"),
        esc,
    );
    let tail = r"Gq7<Lm2Wz9>Rt4!Yp1&Kd8^Hs3*Fb6(Nc0)Vx5~Jh2]Ae7[Um4\\";
    assert_found(
        Kind::GENERIC_SECRET,
        &format!("define( 'NONCE_KEY', '{tail}' ); // don't"),
        tail,
    );
}

#[test]
fn punctuation_rich_hard_negatives() {
    let s = r"9|.cq`^B%ru=xXI2&1kXNxSwH7@1K7wP%94p^^JmBDal6`Q0*,xdTuT);_&Bo<|J";
    let mut defaults = String::new();
    for name in [
        "AUTH_KEY",
        "SECURE_AUTH_KEY",
        "LOGGED_IN_KEY",
        "NONCE_KEY",
        "AUTH_SALT",
        "SECURE_AUTH_SALT",
        "LOGGED_IN_SALT",
        "NONCE_SALT",
    ] {
        defaults.push_str(&format!(
            "define( '{name}', 'put your unique phrase here' );\n"
        ));
    }
    for t in [
        defaults,
        "define( 'WP_CACHE_KEY_SALT', 'staging.internal:blog:cache:' );".to_string(),
        "define( 'NONCE_SALT', '<<<<>>>>[[[[]]]]{{{{}}}}((((]]]]!!!!####%%%%' );".to_string(),
        "define( 'AUTH_SALT', 'Kd8^Hs3*Fb6(Nc0)' );".to_string(),
        "define( 'NONCE_SALT', 'your-unique-phrase:~<EXAMPLE>~generated-at-install' );".to_string(),
        // Not a `define` and not a secret name.
        format!("translate( 'NONCE_SALT', '{s}' );"),
        format!("define( 'DB_NAME', '{s}' );"),
        // Prose and code under secret names.
        "api_secret = 'Invalid key! Check the dashboard (Settings > API) and retry.'".to_string(),
        "token: \"Your session has expired; please sign in again (code #401).\"".to_string(),
        "SECRET_KEY = '{{ lookup(\"env\", \"DJANGO_SECRET_KEY\") | default(\"\") }}'".to_string(),
    ] {
        assert!(all(&t).is_empty(), "{t:?}: {:?}", all(&t));
    }
}

#[test]
fn overlaps_prefer_the_specific_finding() {
    // A connection string wins over the email-shaped `pass@host` inside it.
    let u = "postgres://app:Tr0ub4dor3@db.example.com/app";
    assert_eq!(
        all(&format!("DATABASE_URL={u}")),
        [("connection_string", u.to_string())]
    );
    // A PEM block wins over anything inside it.
    let block = pem_block("RSA PRIVATE KEY", 3);
    assert_eq!(all(&block), [("private_key", block.clone())]);
    // A password inside an ADO string is part of the connection string.
    let c = "Server=db;Database=x;User Id=u;Password=g8Kp2vLq9;";
    assert_eq!(
        all(&format!("\"{c}\"")),
        [("connection_string", c.to_string())]
    );
}

#[test]
fn a_backslash_inside_a_value_does_not_cut_it() {
    let t = r"DB_PASSWORD=Kq8Z2m\txLp0Qw";
    assert!(
        !found(Kind::PASSWORD, t).iter().any(|v| v == "Kq8Z2m"),
        "{t}"
    );
}

#[test]
fn placeholders() {
    for v in [
        "",
        "changeme",
        "CHANGE_ME",
        "<password>",
        "${DB_PASS}",
        "$DB_PASS",
        "%DB_PASS%",
        "****",
        "xxxxxxxx",
        "your_password",
        "YOUR_API_KEY",
        "None",
        "null",
        "{{ secret }}",
        "password",
        "mypassword",
        "os.environ['X']",
        "process.env.X",
        "'$VAR'",
        "[PASSWORD]",
        "test-token-123",
        "dummy_key_1",
        "TestPassword",
    ] {
        assert!(is_placeholder(v), "{v:?}");
    }
    for v in [
        "hunter2",
        "Tr0ub4dor&3",
        "secret",
        "whiteduke",
        "S3cure#Pass99",
        "my-pass-word-is-longer-than-any",
        "dbé",
        "test-token-12345",
        "token-Xk9q",
        "testing2024!",
        "Test1234",
        "Pass2024",
        "4821",
    ] {
        assert!(!is_placeholder(v), "{v:?}");
    }
    // Every placeholder word, in any case and with separators, after an owner prefix (a word
    // that starts like a prefix, such as "username", is only one after a prefix).
    for w in super::PLACEHOLDER_WORDS {
        let upper = w.to_ascii_uppercase();
        let dotted: String = w.chars().flat_map(|c| [c, '.']).collect();
        for v in [format!("Admin_{upper}"), format!("my.{dotted}")] {
            assert!(is_placeholder(&v), "{v:?}");
        }
    }
}

/// Scanning 1 MB of one anchor repeated must stay linear (a quadratic scan takes minutes).
#[test]
fn linear_time_on_repeated_anchors() {
    let scanner = Scanner::builtin();
    for unit in [
        "eyJ",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "password=",
        "xoxb-",
        "://",
        "pass",
        "AKIA",
        "sk-ant-",
        "T3BlbkFJ",
        "-us",
        "Password=x;Server=y;",
        "curl -u a:",
        "- name: api_key\n",
        "  - name: API_TOKEN\n    value: ",
        "{\"key\": \"X-Api-Key\", ",
        "define( 'NONCE_SALT', '",
        "define( 'AUTH_KEY', '' );\n",
        "define('NONCE_SALT','x');\n",
    ] {
        let text = unit.repeat(1_000_000 / unit.len());
        let t0 = Instant::now();
        let _ = scanner.scan(&text);
        let took = t0.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "{unit:?} x {}: {took:?}",
            1_000_000 / unit.len()
        );
    }
    // One huge base64 run after a BEGIN line and after `eyJ`.
    let big = format!("-----BEGIN PRIVATE KEY-----\n{}", "QUJD".repeat(250_000));
    let t0 = Instant::now();
    let _ = scanner.scan(&big);
    assert!(t0.elapsed() < Duration::from_secs(3));
    let big = format!("eyJ{}", "QUJD".repeat(250_000));
    let t0 = Instant::now();
    let _ = scanner.scan(&big);
    assert!(t0.elapsed() < Duration::from_secs(3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_spans_are_char_boundaries(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("password=".to_string()),
                Just("://".to_string()),
                Just("eyJ".to_string()),
                Just("-----BEGIN RSA PRIVATE KEY-----\n".to_string()),
                Just("-----END RSA PRIVATE KEY-----".to_string()),
                Just("xoxb-".to_string()),
                Just("ghp_".to_string()),
                Just("AKIA".to_string()),
                Just("T3BlbkFJ".to_string()),
                Just("api_key: \"".to_string()),
                Just(";Pwd=".to_string()),
                Just("@".to_string()),
                Just(":AA".to_string()),
                "[A-Za-z0-9+/=._-]{0,40}",
                "\\PC{0,12}",
                Just("é€😀".to_string()),
                Just("postgres://u:p".to_string()),
                Just("Password=".to_string()),
                Just("-u a:".to_string()),
                Just("sk-ant-api03-".to_string()),
                Just("- name: DB_PASSWORD\n".to_string()),
                Just("  value: ".to_string()),
                Just("{\"key\": \"X-Api-Key\", \"value\": \"".to_string()),
                Just("define( 'NONCE_SALT', '".to_string()),
                Just("');\ndefine('AUTH_KEY', '".to_string()),
                Just("\\'".to_string()),
            ],
            0..24,
        )
    ) {
        let text: String = parts.concat();
        let scanner = Scanner::builtin();
        for f in scanner.scan(&text) {
            prop_assert!(text.is_char_boundary(f.start()) && text.is_char_boundary(f.end()));
            prop_assert!(f.start() < f.end() && f.end() <= text.len());
        }
    }
}

/// Multi-byte characters exactly at every cap (URI, authority, value, name, PEM block, JWT
/// segment) must not split a character or panic.
#[test]
fn caps_land_on_char_boundaries() {
    let scanner = Scanner::builtin();
    let heads = [
        "postgres://u:",
        "https://",
        "password=",
        "api_key: ",
        "-----BEGIN PRIVATE KEY-----\n",
        "eyJ",
        "ghp_",
        "Server=x;Password=",
        "curl -u a:",
        "T3BlbkFJ",
    ];
    for head in heads {
        for n in [
            60, 62, 63, 64, 127, 128, 510, 511, 512, 513, 2040, 2047, 2048, 8190, 8192,
        ] {
            for fill in ["a", "A1+/", "é", "😀"] {
                let mut t = String::from(head);
                while t.len() < head.len() + n {
                    t.push_str(fill);
                }
                t.push('é');
                t.push_str("@host/x y");
                for f in scanner.scan(&t) {
                    assert!(t.is_char_boundary(f.start()) && t.is_char_boundary(f.end()));
                }
            }
        }
    }
}

#[test]
fn key_names_found_through_a_shorter_anchor() {
    // These spellings have no anchor of their own: `_key`, `-key`, `-KEY` and `Key` inside the
    // name lead to it, and the name is read both ways from the anchor.
    let v = "Zq8vN2kLm4Rt7Yp1Wx3Jb6Hc9Fd0Gs5";
    for name in [
        "api_key",
        "API_KEY",
        "Api_key",
        "api-key",
        "API-KEY",
        "X-API-KEY",
        "x-api-key",
        "Api-Key",
        "apiKey",
        "apikey",
        "APIKEY",
    ] {
        let text = format!("{name}: {v}\n");
        assert_found(Kind::GENERIC_SECRET, &text, v);
    }
}

/// The allocating implementation that `is_placeholder`'s word check replaced, kept as a
/// reference (and extended the same way since: fixtures such as `test-token-123`).
fn old_placeholder_word(b: &[u8]) -> bool {
    let low = String::from_utf8_lossy(b).to_ascii_lowercase();
    let mut w: &str = &low;
    for p in [
        "my", "your", "the", "some", "new", "old", "db", "user", "admin",
    ] {
        if let Some(r) = w.strip_prefix(p) {
            if !r.is_empty() {
                w = r;
                break;
            }
        }
    }
    let squeezed: String = w
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .collect();
    let word = |w: &str| super::PLACEHOLDER_WORDS.contains(&w);
    if squeezed.is_empty() || word(&squeezed) {
        return true;
    }
    // One placeholder word or two, then at most four digits, and those only after a
    // separator.
    let digits = squeezed
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    let separated = w.contains(['_', '-', ' ', '.']);
    if digits > 4 || digits > 0 && !separated || squeezed.len() > 16 {
        return false;
    }
    let stem = &squeezed[..squeezed.len() - digits];
    !stem.is_empty()
        && (word(stem)
            || (1..stem.len())
                .any(|k| stem.is_char_boundary(k) && word(&stem[..k]) && word(&stem[k..])))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn placeholder_words_match_old_implementation(
        prefix in prop::sample::select(vec!["", "my", "Your", "DB", "user", "admin", "x"]),
        word in prop::sample::select(super::PLACEHOLDER_WORDS.to_vec()),
        seps in proptest::collection::vec(prop::sample::select(vec!["", "_", "-", " ", ".", "é", "9"]), 0..4),
        upper in any::<bool>(),
    ) {
        let mut v = prefix.to_string();
        for (i, c) in word.chars().enumerate() {
            v.push(if upper { c.to_ascii_uppercase() } else { c });
            if let Some(s) = seps.get(i) {
                v.push_str(s);
            }
        }
        // Only the word check differs; the earlier checks are the same code in both.
        let b = v.as_bytes();
        let decided_earlier = b.first().is_none_or(|f| {
            b.iter().all(|c| c == f) || super::PLACEHOLDER_MARK_SET.is_match(&v) || matches!(f, b'$' | b'@' | b':' | b'%' | b'[' | b'{' | b'(')
        });
        if !decided_earlier && v.trim() == v {
            prop_assert_eq!(is_placeholder(&v), old_placeholder_word(b), "{:?}", v);
        }
    }
}

#[test]
fn pgpass_entries() {
    let t = "$ cat ~/.pgpass\n# hostname:port:database:username:password\n\
             pg-primary.prod.internal:5432:billing:billing_ro:7gmkkhkMLKeWLqE7FWmm\n\
             *:5432:*:postgres:BQsujA%s10p0HcZJ\n\
             db\\:v6:*:app:app:Tr0ub4dor3\n\
             $ psql -h pg-primary.prod.internal -U billing_ro billing\n\
             a:5432:b:c:NotAfterTheFile9\n";
    assert_eq!(
        found(Kind::PASSWORD, t),
        ["7gmkkhkMLKeWLqE7FWmm", "BQsujA%s10p0HcZJ", "Tr0ub4dor3"]
    );
    // Without a `.pgpass` name the lines are not read; a bad port field ends the file.
    assert_none(Kind::PASSWORD, "pg:5432:billing:ro:7gmkkhkMLKeWLqE7FWmm\n");
    assert_none(
        Kind::PASSWORD,
        "~/.pgpass:\nhost:http:db:user:7gmkkhkMLKeWLqE7FWmm\n",
    );
}

#[test]
fn azure_account_keys_under_generic_names() {
    let key =
        "TZmX9UFf2m+Hh6zbVOf2mY3s/HUxlp48Ahs6BThX6iJ6IDWHqibZBzw6+eNQczy4WaH12zFSpYwEwGlMi6J98g==";
    let t = format!(
        "ACCOUNT_URL = \"https://acmeexports.blob.core.windows.net\"\nACCOUNT_KEY = \"{key}\"\n"
    );
    assert_eq!(all(&t), [("azure_storage_key", key.to_string())]);
    // Without a storage account nearby it stays a generic secret.
    assert_eq!(
        all(&format!("SIGNING_KEY = \"{key}\"")),
        [("generic_secret", key.to_string())]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Lines after a `.pgpass` name, of colons, escapes and blanks: never a panic, and every
    /// password is one line's last field.
    #[test]
    fn pgpass_lines_never_panic(lines in proptest::collection::vec("[a:\\\\ \t*1#\r]{0,12}", 0..6)) {
        let t = format!("~/.pgpass\n{}", lines.join("\n"));
        for p in found(Kind::PASSWORD, &t) {
            prop_assert!(!p.contains('\n'));
        }
    }
}
