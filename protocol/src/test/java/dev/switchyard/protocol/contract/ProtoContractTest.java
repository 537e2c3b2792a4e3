package dev.switchyard.protocol.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import dev.switchyard.protocol.v1.Acquirer;
import dev.switchyard.protocol.v1.Advices;
import dev.switchyard.protocol.v1.Common;
import dev.switchyard.protocol.v1.Dispute;
import dev.switchyard.protocol.v1.Events;
import dev.switchyard.protocol.v1.ResultCodeOuterClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Today's {@code .proto} contracts against the released ones, committed as {@code contracts/switchyard-v1.txtpb}:
 * acquirers, issuers' adapters, the back office and the journal (events written years ago are read today) all
 * rely on them. A release records the contracts with
 * {@code mvn test -pl protocol -Dtest=ProtoContractTest -Dcontracts.release=true}.
 */
class ProtoContractTest {

  private static final Path RELEASED = Path.of("src/test/resources/contracts/switchyard-v1.txtpb");

  static FileDescriptorSet current() {
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    List.of(Acquirer.getDescriptor(), Advices.getDescriptor(), Common.getDescriptor(), Dispute.getDescriptor(),
            Events.getDescriptor(), ResultCodeOuterClass.getDescriptor()).stream()
        .sorted(Comparator.comparing(FileDescriptor::getName))
        .forEach(f -> set.addFile(f.toProto().toBuilder().clearSourceCodeInfo()));
    return set.build();
  }

  private static FileDescriptorSet released() throws Exception {
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    TextFormat.merge(Files.readString(RELEASED, StandardCharsets.UTF_8), set);
    return set.build();
  }

  @Test
  void todaysContractsBreakNothingThatWasReleased() throws Exception {
    if (Boolean.getBoolean("contracts.release")) {
      Files.writeString(RELEASED, "# The released .proto contracts (ProtoContractTest); written by a release, never by"
          + " hand.\n" + TextFormat.printer().printToString(current()), StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(RELEASED)).as(RELEASED + " is the released contracts").isTrue();
    // Every contract file is guarded: a new .proto file must be added to current() above.
    try (var files = Files.list(Path.of("src/main/protobuf/switchyard/v1"))) {
      assertThat(current().getFileList()).extracting(f -> Path.of(f.getName()).getFileName().toString())
          .containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString()).toList());
    }
    assertThat(WireCompatibility.breaks(released(), current())).isEmpty();
  }

  @Test
  void aRenumberedRetypedRenamedOrRemovedFieldIsABreak() {
    FileDescriptorSet now = current();
    assertThat(WireCompatibility.breaks(now, now)).isEmpty();

    assertThat(WireCompatibility.breaks(now, change(now, "AcquirerRequest", m -> field(m, "request_id")
        .setNumber(99)))).anySatisfy(b -> assertThat(b).contains("AcquirerRequest.request_id (2) is renumbered to 99"));
    assertThat(WireCompatibility.breaks(now, change(now, "AcquirerRequest", m -> field(m, "request_id")
        .setType(FieldDescriptorProto.Type.TYPE_BYTES)))).containsExactly(
            "switchyard.v1.AcquirerRequest.request_id (2) is retyped from TYPE_STRING to TYPE_BYTES");
    assertThat(WireCompatibility.breaks(now, change(now, "Hello", m -> field(m, "acquirer_id")
        .setName("acquirer")))).containsExactly("switchyard.v1.Hello.acquirer_id (1) is renamed to acquirer");
    assertThat(WireCompatibility.breaks(now, change(now, "AcquirerRequest", m -> field(m, "request_id")
        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)))).hasSize(1);
    assertThat(WireCompatibility.breaks(now, change(now, "AcquirerRequest", m -> remove(m, "request_id"))))
        .containsExactly("switchyard.v1.AcquirerRequest.request_id (2) is gone without its number and name reserved");
  }

  @Test
  void aFieldRemovedWithItsNumberReservedIsFineAndUsingTheNumberAgainIsABreak() {
    FileDescriptorSet now = current();
    FileDescriptorSet retired = change(now, "AcquirerRequest", m -> {
      remove(m, "request_id");
      m.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(2).setEnd(3))
          .addReservedName("request_id");
    });
    assertThat(WireCompatibility.breaks(now, retired)).isEmpty();
    assertThat(WireCompatibility.breaks(now, change(now, "AcquirerRequest", m -> field(m, "request_id")
        .setNumber(3)))).isNotEmpty();
    FileDescriptorSet reused = change(retired, "AcquirerRequest", m -> m.addField(FieldDescriptorProto.newBuilder()
        .setName("idempotency_key").setNumber(2).setType(FieldDescriptorProto.Type.TYPE_STRING)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)));
    assertThat(WireCompatibility.breaks(retired, reused))
        .containsExactly("switchyard.v1.AcquirerRequest.idempotency_key reuses reserved number 2");
    // A new field, message or enum value breaks nothing.
    assertThat(WireCompatibility.breaks(now, change(now, "Hello", m -> m.addField(FieldDescriptorProto.newBuilder()
        .setName("client_version").setNumber(40).setType(FieldDescriptorProto.Type.TYPE_STRING)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL))))).isEmpty();
  }

  @Test
  void aRenamedOrRemovedEnumValueIsABreak() {
    FileDescriptorSet now = current();
    FileDescriptorSet.Builder renamed = now.toBuilder();
    renamed.getFileBuilderList().stream().flatMap(f -> f.getEnumTypeBuilderList().stream())
        .filter(e -> e.getName().equals("ResultCode")).findFirst().orElseThrow()
        .getValueBuilder(1).setName("SOMETHING_ELSE");
    assertThat(WireCompatibility.breaks(now, renamed.build())).singleElement()
        .satisfies(b -> assertThat(b).startsWith("switchyard.v1.ResultCode.").contains("is renamed to SOMETHING_ELSE"));
  }

  private static FileDescriptorSet change(FileDescriptorSet set, String message, Consumer<DescriptorProto.Builder> c) {
    FileDescriptorSet.Builder b = set.toBuilder();
    c.accept(b.getFileBuilderList().stream().flatMap(f -> f.getMessageTypeBuilderList().stream())
        .filter(m -> m.getName().equals(message)).findFirst().orElseThrow());
    return b.build();
  }

  private static FieldDescriptorProto.Builder field(DescriptorProto.Builder m, String name) {
    return m.getFieldBuilderList().stream().filter(f -> f.getName().equals(name)).findFirst().orElseThrow();
  }

  private static void remove(DescriptorProto.Builder m, String name) {
    for (int i = 0; i < m.getFieldCount(); i++) {
      if (m.getField(i).getName().equals(name)) {
        m.removeField(i);
        return;
      }
    }
    throw new IllegalArgumentException(name);
  }
}
