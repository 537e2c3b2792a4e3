package dev.switchyard.payment;

import java.util.HashMap;
import java.util.Map;

/**
 * The answers a payment gave, by request id: a cache of durable facts. Every entry comes from an event of the
 * payment's journal (each event names the request that caused it and the digest of its parameters, and refusals
 * are events too), so recovery rebuilds it; a snapshot only saves that replay. {@code refusals} counts the
 * recorded refusals, which a payment bounds.
 */
record Answers(Map<String, Answer> byRequest, int refusals) {

  static final Answers NONE = new Answers(Map.of(), 0);

  /** The digest of a request's parameters and the answer it got. */
  record Answer(long paramsHash, Reply reply) {}

  Answer get(String requestId) {
    return byRequest.get(requestId);
  }

  /** With the answer to {@code requestId}, unless it already has one (the first answer stands). */
  Answers with(String requestId, long paramsHash, Reply reply, boolean refusal) {
    if (requestId.isEmpty() || byRequest.containsKey(requestId)) {
      return this;
    }
    Map<String, Answer> next = new HashMap<>(byRequest);
    next.put(requestId, new Answer(paramsHash, reply));
    return new Answers(Map.copyOf(next), refusal ? refusals + 1 : refusals);
  }
}
