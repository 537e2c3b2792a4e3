package dev.switchyard.protocol.contract;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a change of the {@code .proto} contracts breaks for a peer built on the released ones: a message or enum
 * gone, a field or value gone without its number and name reserved, a field renumbered, retyped, renamed or given
 * another JSON name (the JSON forms use names), made repeated or moved into or out of a oneof, a reserved number or
 * name used again. Adding fields, values and messages breaks nothing.
 */
final class WireCompatibility {

  private WireCompatibility() {}

  /** Each break of {@code current} against {@code released}, as a sentence naming the element; empty when none. */
  static List<String> breaks(FileDescriptorSet released, FileDescriptorSet current) {
    Map<String, DescriptorProto> messagesNow = new LinkedHashMap<>();
    Map<String, EnumDescriptorProto> enumsNow = new LinkedHashMap<>();
    index(current, messagesNow, enumsNow);
    Map<String, DescriptorProto> messagesThen = new LinkedHashMap<>();
    Map<String, EnumDescriptorProto> enumsThen = new LinkedHashMap<>();
    index(released, messagesThen, enumsThen);

    List<String> breaks = new ArrayList<>();
    messagesThen.forEach((name, then) -> {
      DescriptorProto now = messagesNow.get(name);
      if (now == null) {
        breaks.add("message " + name + " is gone");
      } else {
        compareMessage(name, then, now, breaks);
      }
    });
    enumsThen.forEach((name, then) -> {
      EnumDescriptorProto now = enumsNow.get(name);
      if (now == null) {
        breaks.add("enum " + name + " is gone");
      } else {
        compareEnum(name, then, now, breaks);
      }
    });
    return breaks;
  }

  private static void compareMessage(String message, DescriptorProto then, DescriptorProto now, List<String> breaks) {
    Map<Integer, FieldDescriptorProto> fieldsNow = new LinkedHashMap<>();
    now.getFieldList().forEach(f -> fieldsNow.put(f.getNumber(), f));
    for (FieldDescriptorProto was : then.getFieldList()) {
      String at = message + "." + was.getName() + " (" + was.getNumber() + ")";
      FieldDescriptorProto is = fieldsNow.get(was.getNumber());
      if (is == null) {
        if (!reservesNumber(now, was.getNumber()) || !now.getReservedNameList().contains(was.getName())) {
          breaks.add(at + " is gone without its number and name reserved");
        }
        now.getFieldList().stream().filter(f -> f.getName().equals(was.getName())).findFirst().ifPresent(f ->
            breaks.add(at + " is renumbered to " + f.getNumber()));
        continue;
      }
      if (!is.getName().equals(was.getName())) {
        breaks.add(at + " is renamed to " + is.getName());
      }
      if (is.getType() != was.getType() || !is.getTypeName().equals(was.getTypeName())) {
        breaks.add(at + " is retyped from " + typeOf(was) + " to " + typeOf(is));
      }
      if (is.getLabel() != was.getLabel()) {
        breaks.add(at + " changes from " + was.getLabel() + " to " + is.getLabel());
      }
      if (is.hasOneofIndex() != was.hasOneofIndex()
          || is.getProto3Optional() != was.getProto3Optional()) {
        breaks.add(at + " moves into or out of a oneof, or changes its presence");
      }
      if (!is.getJsonName().equals(was.getJsonName())) {
        breaks.add(at + " changes its JSON name from " + was.getJsonName() + " to " + is.getJsonName());
      }
    }
    for (FieldDescriptorProto is : now.getFieldList()) {
      if (reservesNumber(then, is.getNumber())) {
        breaks.add(message + "." + is.getName() + " reuses reserved number " + is.getNumber());
      }
      if (then.getReservedNameList().contains(is.getName())) {
        breaks.add(message + "." + is.getName() + " reuses a reserved name");
      }
    }
  }

  private static void compareEnum(String name, EnumDescriptorProto then, EnumDescriptorProto now,
      List<String> breaks) {
    Map<Integer, EnumValueDescriptorProto> valuesNow = new LinkedHashMap<>();
    now.getValueList().forEach(v -> valuesNow.put(v.getNumber(), v));
    for (EnumValueDescriptorProto was : then.getValueList()) {
      EnumValueDescriptorProto is = valuesNow.get(was.getNumber());
      String at = name + "." + was.getName() + " (" + was.getNumber() + ")";
      if (is == null) {
        boolean reserved = now.getReservedRangeList().stream()
            .anyMatch(r -> r.getStart() <= was.getNumber() && was.getNumber() <= r.getEnd());
        if (!reserved || !now.getReservedNameList().contains(was.getName())) {
          breaks.add(at + " is gone without its number and name reserved");
        }
      } else if (!is.getName().equals(was.getName())) {
        breaks.add(at + " is renamed to " + is.getName());
      }
    }
    for (EnumValueDescriptorProto is : now.getValueList()) {
      if (then.getReservedRangeList().stream()
          .anyMatch(r -> r.getStart() <= is.getNumber() && is.getNumber() <= r.getEnd())) {
        breaks.add(name + "." + is.getName() + " reuses reserved number " + is.getNumber());
      }
    }
  }

  /** Message reserved ranges are end-exclusive; enum ones end-inclusive. */
  private static boolean reservesNumber(DescriptorProto message, int number) {
    return message.getReservedRangeList().stream().anyMatch(r -> r.getStart() <= number && number < r.getEnd());
  }

  private static String typeOf(FieldDescriptorProto f) {
    return f.getTypeName().isEmpty() ? f.getType().name() : f.getTypeName();
  }

  private static void index(FileDescriptorSet set, Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums) {
    for (FileDescriptorProto file : set.getFileList()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      file.getMessageTypeList().forEach(m -> indexMessage(prefix + m.getName(), m, messages, enums));
      file.getEnumTypeList().forEach(e -> enums.put(prefix + e.getName(), e));
    }
  }

  private static void indexMessage(String name, DescriptorProto message, Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums) {
    messages.put(name, message);
    message.getNestedTypeList().forEach(n -> indexMessage(name + "." + n.getName(), n, messages, enums));
    message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
  }
}
