package dev.switchyard.payment;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchyard.protocol.v1.PaymentSnapshot;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Stores a payment's state (snapshots) as the Protobuf {@code PaymentSnapshot}, so a snapshot has the same
 * explicit, evolvable schema as the events.
 */
public final class PaymentStateSerializer extends SerializerWithStringManifest {

  /** Stored with every snapshot row: never change it. */
  public static final int IDENTIFIER = 770_002;

  private static final String MANIFEST = PaymentSnapshot.getDescriptor().getFullName();

  public PaymentStateSerializer(ExtendedActorSystem system) {
    // Nothing from the system is needed.
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Payment p) {
      return p.toSnapshot().toByteArray();
    }
    if (o instanceof PaymentEntity.Empty) {
      return PaymentSnapshot.getDefaultInstance().toByteArray();
    }
    throw new IllegalArgumentException("Not a payment state: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException("Unknown snapshot manifest: " + manifest);
    }
    try {
      PaymentSnapshot snapshot = PaymentSnapshot.parseFrom(bytes);
      return snapshot.hasView() ? Payment.fromSnapshot(snapshot) : new PaymentEntity.Empty();
    } catch (InvalidProtocolBufferException e) {
      NotSerializableException failure = new NotSerializableException("Corrupt payment snapshot: " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
