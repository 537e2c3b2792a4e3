package dev.switchyard.payment;

/** An incremental authorization sent to the issuer, persisted before the call, its answer not yet recorded. */
record PendingIncrement(String requestId, long paramsHash, long amountMinor, long deadlineMillis, Trace trace) {}
