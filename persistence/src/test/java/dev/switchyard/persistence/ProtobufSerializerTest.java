package dev.switchyard.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchyard.protocol.v1.DisputeCommand;
import dev.switchyard.protocol.v1.OpenDispute;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PublishedEvent;
import java.io.NotSerializableException;
import org.junit.jupiter.api.Test;

class ProtobufSerializerTest {

  private final ProtobufSerializer serializer = new ProtobufSerializer(null);

  @Test
  void manifestsAreProtobufNamesNotClassNames() {
    assertThat(serializer.manifest(PaymentEvent.getDefaultInstance())).isEqualTo("switchyard.v1.PaymentEvent");
    assertThat(serializer.manifest(PublishedEvent.getDefaultInstance())).isEqualTo("switchyard.v1.PublishedEvent");
  }

  @Test
  void messagesRoundTrip() throws Exception {
    DisputeCommand command = DisputeCommand.newBuilder().setRequestId("r").setPaymentId("p").setDisputeId("d")
        .setOpen(OpenDispute.newBuilder().setReasonCode("10.4")).build();
    byte[] bytes = serializer.toBinary(command);
    assertThat(serializer.fromBinary(bytes, serializer.manifest(command))).isEqualTo(command);
  }

  @Test
  void unknownManifestIsRefused() {
    assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "java.lang.String"))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("java.lang.String");
  }

  @Test
  void corruptBytesAreRefusedWithTheManifest() {
    assertThatThrownBy(() -> serializer.fromBinary(new byte[] {(byte) 0xff, 1, 2}, "switchyard.v1.PaymentEvent"))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("PaymentEvent");
  }

  @Test
  void nonProtobufObjectsAreRejected() {
    assertThatThrownBy(() -> serializer.toBinary("a string")).isInstanceOf(IllegalArgumentException.class);
  }
}
