package dev.switchyard.gateway;

import dev.switchyard.gateway.GatewayStats.Operation;
import dev.switchyard.protocol.v1.AcquirerResponse;

/**
 * The answer to an admitted request, on its way out: the admission handler frees the request's slot and records
 * it in the stats, then writes {@code response}. {@code replayed} marks the recorded answer of an earlier request.
 */
record Answer(AcquirerResponse response, Operation op, long startNanos, boolean replayed) {}
