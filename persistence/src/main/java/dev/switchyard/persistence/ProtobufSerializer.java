package dev.switchyard.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.switchyard.protocol.v1.AdviceEvent;
import dev.switchyard.protocol.v1.AdviceQueueSnapshot;
import dev.switchyard.protocol.v1.DisputeCommand;
import dev.switchyard.protocol.v1.DisputeReply;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentSnapshot;
import dev.switchyard.protocol.v1.PublishedEvent;
import java.io.NotSerializableException;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Serializes the project's Protobuf messages for Pekko (journal, snapshots, messages between nodes). The
 * manifest is the message's full Protobuf name, which the project never changes once a message is stored, so
 * Java class renames and package moves cannot break recovery.
 */
public final class ProtobufSerializer extends SerializerWithStringManifest {

  /** Pekko serializer id; stored with every journal row, so it never changes. */
  public static final int IDENTIFIER = 770_001;

  private static final Map<String, Parser<? extends Message>> PARSERS =
      Map.of(
          PaymentEvent.getDescriptor().getFullName(), PaymentEvent.parser(),
          PaymentReply.getDescriptor().getFullName(), PaymentReply.parser(),
          PaymentSnapshot.getDescriptor().getFullName(), PaymentSnapshot.parser(),
          PublishedEvent.getDescriptor().getFullName(), PublishedEvent.parser(),
          DisputeCommand.getDescriptor().getFullName(), DisputeCommand.parser(),
          DisputeReply.getDescriptor().getFullName(), DisputeReply.parser(),
          AdviceEvent.getDescriptor().getFullName(), AdviceEvent.parser(),
          AdviceQueueSnapshot.getDescriptor().getFullName(), AdviceQueueSnapshot.parser());

  public ProtobufSerializer(ExtendedActorSystem system) {
    // Pekko instantiates serializers reflectively with the system; this serializer needs nothing from it.
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Message message) {
      return message.getDescriptorForType().getFullName();
    }
    throw new IllegalArgumentException("Not a Protobuf message: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Message message) {
      return message.toByteArray();
    }
    throw new IllegalArgumentException("Not a Protobuf message: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Parser<? extends Message> parser = PARSERS.get(manifest);
    if (parser == null) {
      throw new NotSerializableException("Unknown Protobuf manifest: " + manifest);
    }
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      NotSerializableException failure =
          new NotSerializableException("Corrupt " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
