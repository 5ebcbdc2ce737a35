use crate::detect::testing::{all, found};
use crate::Kind;
