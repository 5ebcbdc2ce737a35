//! The core vocabulary: [`Span`], [`Kind`], [`Category`] and [`Finding`].
//!
//! Every other module depends on this file and it depends on nothing. A [`Finding`] is small and
//! `Copy`; it records *where* something sensitive is and *what* it is, never the matched text.

use core::fmt;

/// A half-open range of UTF-8 byte offsets `start..end` into the scanned text.
///
/// Spans produced by this crate always lie on `char` boundaries and satisfy `start <= end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// Creates a span. Reversed bounds are swapped, so the result always satisfies
    /// `start <= end`.
    #[inline]
    pub const fn new(start: usize, end: usize) -> Span {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// Number of bytes covered.
    #[inline]
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one byte.
    #[inline]
    pub const fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies entirely inside `self`.
    #[inline]
    pub const fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The same span as a `Range`, ready for slicing.
    #[inline]
    pub const fn range(&self) -> core::ops::Range<usize> {
        self.start..self.end
    }
}

impl From<core::ops::Range<usize>> for Span {
    fn from(r: core::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// The family a [`Kind`] belongs to. Policies can act on a whole category at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Category {
    /// Personally identifiable information: emails, phones, national ids, addresses on the wire.
    Pii,
    /// Protected health information: record numbers, provider ids.
    Phi,
    /// Payment and banking identifiers.
    Financial,
    /// Credentials: API keys, tokens, private keys, passwords.
    Secret,
    /// Kinds defined by the host (custom detectors and deny-terms).
    Custom,
}

impl Category {
    /// Every category, in a fixed order.
    pub const ALL: [Category; 5] = [
        Category::Pii,
        Category::Phi,
        Category::Financial,
        Category::Secret,
        Category::Custom,
    ];

    /// The stable snake_case id: `pii`, `phi`, `financial`, `secret`, `custom`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Category::Pii => "pii",
            Category::Phi => "phi",
            Category::Financial => "financial",
            Category::Secret => "secret",
            Category::Custom => "custom",
        }
    }

    /// Parses a stable id back into a category.
    pub fn from_id(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is: a stable snake_case id plus its [`Category`].
///
/// Built-in kinds are associated constants (`Kind::EMAIL`, `Kind::AWS_ACCESS_KEY_ID`, …) and
/// [`Kind::builtin_kinds`] lists them all. Hosts create their own with [`Kind::custom`]; a custom
/// kind never compares equal to a built-in one, even with the same id.
///
/// Kind ids are part of the public API and never change meaning between releases.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind {
    category: Category,
    id: &'static str,
}

macro_rules! builtin_kinds {
    ($( $cat:ident { $( $(#[$doc:meta])* $konst:ident = $id:literal ),* $(,)? } )*) => {
        impl Kind {
            $($(
                $(#[$doc])*
                pub const $konst: Kind = Kind { category: Category::$cat, id: $id };
            )*)*

            const BUILTIN: &'static [Kind] = &[ $($( Kind::$konst, )*)* ];
        }
    };
}

builtin_kinds! {
    Pii {
        /// An email address (`local@domain.tld`).
        EMAIL = "email",
        /// A telephone number (NANP and international formats).
        PHONE = "phone",
        /// A US Social Security number (area/group/serial rules checked).
        US_SSN = "us_ssn",
        /// A US Individual Taxpayer Identification Number (9xx-7x/8x/9x-xxxx).
        US_ITIN = "us_itin",
        /// A US passport number (with a passport cue nearby).
        US_PASSPORT = "us_passport",
        /// An IPv4 or IPv6 address.
        IP_ADDRESS = "ip_address",
        /// A MAC (EUI-48) address.
        MAC_ADDRESS = "mac_address",
        /// A date with a birth cue nearby ("DOB", "born on", …).
        DATE_OF_BIRTH = "date_of_birth",
    }
    Phi {
        /// A medical record number (with an MRN cue).
        MRN = "mrn",
        /// A patient identifier (with a patient-id cue).
        PATIENT_ID = "patient_id",
        /// A health insurance member / policy / Medicare (MBI) identifier.
        INSURANCE_ID = "insurance_id",
        /// A US National Provider Identifier (Luhn with the 80840 prefix).
        NPI = "npi",
        /// A US DEA registration number (checksum validated).
        DEA_NUMBER = "dea_number",
    }
    Financial {
        /// A payment card number (Luhn validated, known issuer ranges).
        CREDIT_CARD = "credit_card",
        /// An International Bank Account Number (mod-97, national lengths).
        IBAN = "iban",
        /// A US ABA routing transit number (3-7-1 checksum).
        ABA_ROUTING = "aba_routing",
        /// A bank account number (with an account cue).
        BANK_ACCOUNT = "bank_account",
    }
    Secret {
        /// An AWS access key id (`AKIA…`, `ASIA…`).
        AWS_ACCESS_KEY_ID = "aws_access_key_id",
        /// An AWS secret access key (40 chars, with an AWS cue).
        AWS_SECRET_ACCESS_KEY = "aws_secret_access_key",
        /// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
        GITHUB_TOKEN = "github_token",
        /// A GitLab token (`glpat-`, and the other `gl…-` prefixes).
        GITLAB_TOKEN = "gitlab_token",
        /// A Stripe secret or restricted key (`sk_live_`, `rk_live_`, …).
        STRIPE_KEY = "stripe_key",
        /// An OpenAI API key (`sk-proj-…`, `sk-…T3BlbkFJ…`).
        OPENAI_API_KEY = "openai_api_key",
        /// An Anthropic API key (`sk-ant-…`).
        ANTHROPIC_API_KEY = "anthropic_api_key",
        /// A Slack token or webhook (`xoxb-`, `xoxp-`, `hooks.slack.com/…`).
        SLACK_TOKEN = "slack_token",
        /// A Google API key (`AIza…`).
        GOOGLE_API_KEY = "google_api_key",
        /// A JSON Web Token whose header decodes to JSON with an `alg`.
        JWT = "jwt",
        /// A PEM / OpenSSH private key block.
        PRIVATE_KEY = "private_key",
        /// A connection string or URI with an embedded password.
        CONNECTION_STRING = "connection_string",
        /// A password assigned in text or config (`password=…`).
        PASSWORD = "password",
        /// A high-entropy secret assigned to a secret-looking name.
        GENERIC_SECRET = "generic_secret",
        /// A lastgate gateway API key (checksum validated).
        GATEWAY_KEY = "gateway_key",
        /// An Azure storage account key or connection-string `AccountKey`.
        AZURE_STORAGE_KEY = "azure_storage_key",
        /// A Google Cloud service-account key (JSON with a private key id).
        GCP_SERVICE_ACCOUNT = "gcp_service_account",
        /// A SendGrid API key (`SG.…`).
        SENDGRID_API_KEY = "sendgrid_api_key",
        /// A Twilio API key or auth token.
        TWILIO_API_KEY = "twilio_api_key",
        /// An npm access token (`npm_…`).
        NPM_TOKEN = "npm_token",
        /// A PyPI upload token (`pypi-…`).
        PYPI_TOKEN = "pypi_token",
        /// A Hugging Face token (`hf_…`).
        HUGGINGFACE_TOKEN = "huggingface_token",
        /// A Shopify access token (`shpat_`, `shpss_`, …).
        SHOPIFY_TOKEN = "shopify_token",
        /// A DigitalOcean token (`dop_v1_…`).
        DIGITALOCEAN_TOKEN = "digitalocean_token",
        /// A Mailgun, Mailchimp or similar mail-service key.
        MAIL_SERVICE_KEY = "mail_service_key",
        /// Any other recognised vendor token with a distinctive prefix.
        SAAS_TOKEN = "saas_token",
    }
}

impl Kind {
    /// Every built-in kind, in taxonomy order (pii, phi, financial, secret).
    pub fn builtin_kinds() -> &'static [Kind] {
        Kind::BUILTIN
    }

    /// A host-defined kind in [`Category::Custom`].
    ///
    /// The id should be snake_case (`[a-z][a-z0-9_]*`); the scanner builder rejects other ids.
    pub const fn custom(id: &'static str) -> Kind {
        Kind {
            category: Category::Custom,
            id,
        }
    }

    /// A host-defined kind that policies should treat as part of `category`.
    pub const fn custom_in(id: &'static str, category: Category) -> Kind {
        Kind { category, id }
    }

    /// Looks up a built-in kind by its stable id.
    pub fn from_builtin_id(id: &str) -> Option<Kind> {
        Kind::BUILTIN.iter().copied().find(|k| k.id == id)
    }

    /// The stable snake_case id (`"email"`, `"aws_access_key_id"`, …).
    #[inline]
    pub const fn as_str(&self) -> &'static str {
        self.id
    }

    /// The category this kind belongs to.
    #[inline]
    pub const fn category(&self) -> Category {
        self.category
    }

    /// True for kinds defined by this crate.
    pub fn is_builtin(&self) -> bool {
        Kind::BUILTIN.contains(self)
    }

    /// True when `id` is a well-formed kind id: `[a-z][a-z0-9_]*`, at most 64 bytes.
    pub fn is_valid_id(id: &str) -> bool {
        let b = id.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b[0].is_ascii_lowercase()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kind({}:{})", self.category.as_str(), self.id)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Deserializes built-in kind ids only: an unknown id is an error that names it. (Custom kinds
/// carry `&'static str` ids, which cannot be created from borrowed input without leaking.)
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Kind::from_builtin_id(&s)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown kind `{}`", s)))
    }
}

/// One detected item: its kind, where it is, how confident the detector is and which detector
/// found it. It never holds the matched text, so it is safe to log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finding {
    kind: Kind,
    span: Span,
    score: f32,
    detector: &'static str,
}

impl Finding {
    /// Creates a finding. The score is clamped into `[0, 1]` (NaN becomes 0).
    pub fn new(kind: Kind, span: Span, score: f32, detector: &'static str) -> Finding {
        let score = if score.is_nan() {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        };
        Finding {
            kind,
            span,
            score,
            detector,
        }
    }

    /// What was found.
    #[inline]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where it was found: UTF-8 byte offsets on char boundaries.
    #[inline]
    pub fn span(&self) -> Span {
        self.span
    }

    /// First byte of the finding.
    #[inline]
    pub fn start(&self) -> usize {
        self.span.start
    }

    /// One past the last byte of the finding.
    #[inline]
    pub fn end(&self) -> usize {
        self.span.end
    }

    /// Confidence in `[0, 1]` after validation and context.
    #[inline]
    pub fn score(&self) -> f32 {
        self.score
    }

    /// The id of the detector that produced this finding (stable for built-ins).
    #[inline]
    pub fn detector(&self) -> &'static str {
        self.detector
    }

    /// The category of the finding's kind.
    #[inline]
    pub fn category(&self) -> Category {
        self.kind.category()
    }

    /// Returns the finding's text from the haystack it was found in, or `None` when the span
    /// does not fit that haystack. This is the only way to get at the matched value.
    #[inline]
    pub fn text<'h>(&self, haystack: &'h str) -> Option<&'h str> {
        haystack.get(self.span.range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_ids_are_unique_and_valid() {
        let all = Kind::builtin_kinds();
        for (i, k) in all.iter().enumerate() {
            assert!(Kind::is_valid_id(k.as_str()), "{}", k);
            assert_eq!(Kind::from_builtin_id(k.as_str()), Some(*k));
            assert!(all[i + 1..].iter().all(|o| o.as_str() != k.as_str()));
        }
    }

    #[test]
    fn custom_never_equals_builtin() {
        assert_ne!(Kind::custom("email"), Kind::EMAIL);
        assert!(!Kind::custom("email").is_builtin());
        assert!(Kind::EMAIL.is_builtin());
    }

    #[test]
    fn span_helpers() {
        let a = Span::new(5, 2);
        assert_eq!(a, Span { start: 2, end: 5 });
        assert!(a.overlaps(&Span::new(4, 9)));
        assert!(!a.overlaps(&Span::new(5, 9)));
        assert!(Span::new(0, 10).contains(&a));
    }

    #[test]
    fn finding_score_clamped() {
        let f = Finding::new(Kind::EMAIL, Span::new(0, 1), 7.0, "email");
        assert_eq!(f.score(), 1.0);
        let f = Finding::new(Kind::EMAIL, Span::new(0, 1), f32::NAN, "email");
        assert_eq!(f.score(), 0.0);
    }

    #[test]
    fn kind_ids_valid() {
        assert!(Kind::is_valid_id("employee_id"));
        assert!(!Kind::is_valid_id("Employee"));
        assert!(!Kind::is_valid_id(""));
        assert!(!Kind::is_valid_id("9x"));
    }
}
