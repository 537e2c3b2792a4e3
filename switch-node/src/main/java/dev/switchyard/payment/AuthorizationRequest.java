package dev.switchyard.payment;

/**
 * What the issuer side is asked to decide for a new payment: whose payment, the merchant, the card (its number only
 * here, in memory, on its way to the issuer) and the amount.
 */
public record AuthorizationRequest(String paymentId, String acquirerId, String merchantId, Card card, Pan pan,
    Money amount) {}
