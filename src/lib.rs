//! paysession SDK (placeholder; see issue 3).
