package dev.switchyard.payment;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentSnapshot;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Serializes a payment's state (snapshots) and its answers (replies crossing nodes) as their Protobuf forms,
 * {@code PaymentSnapshot} and {@code PaymentReply} (see {@link Snapshots}).
 */
public final class PaymentSerializer extends SerializerWithStringManifest {

  /** Stored with every snapshot row: never change it. */
  public static final int IDENTIFIER = 770_002;

  private static final String SNAPSHOT = PaymentSnapshot.getDescriptor().getFullName();
  private static final String REPLY = PaymentReply.getDescriptor().getFullName();

  public PaymentSerializer(ExtendedActorSystem system) {
    // Nothing from the system is needed.
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return o instanceof Reply ? REPLY : SNAPSHOT;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Reply r) {
      return Snapshots.toProto(r).toByteArray();
    }
    if (o instanceof Payment p) {
      return Snapshots.toSnapshot(p).toByteArray();
    }
    throw new IllegalArgumentException("Not a payment state or reply: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      if (REPLY.equals(manifest)) {
        return Snapshots.fromProto(PaymentReply.parseFrom(bytes));
      }
      if (SNAPSHOT.equals(manifest)) {
        PaymentSnapshot snapshot = PaymentSnapshot.parseFrom(bytes);
        try {
          return Snapshots.fromSnapshot(snapshot);
        } catch (IllegalArgumentException unknownCode) {
          return new Payment.Unreadable(snapshot.getView().getVersion(), "a snapshot with " + unknownCode.getMessage());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      NotSerializableException failure = new NotSerializableException("Corrupt " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
    throw new NotSerializableException("Unknown payment manifest: " + manifest);
  }
}
