package org.toxiscope.classify;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import org.tribuo.classification.protos.ImmutableLabelInfoProto;
import org.tribuo.classification.sgd.protos.ClassificationLinearSGDProto;
import org.tribuo.math.protos.DenseTensorProto;
import org.tribuo.math.protos.LinearParametersProto;
import org.tribuo.protos.core.CategoricalIDInfoProto;
import org.tribuo.protos.core.ImmutableFeatureMapProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.RealIDInfoProto;

/** Vets a Tribuo model protobuf's class names against what our bundles contain, before Tribuo loads any of them. */
final class TribuoModelGuard {

    /**
     * Every class a linear SGD classification model names, in Tribuo's protos and in OLCUT's provenance; Tribuo and
     * OLCUT pass these names to {@code Class.forName}, which runs a class's static initialiser, so anything else a
     * hostile bundle names must be refused before they see it. EnumProvenance is absent on purpose: OLCUT would load
     * the enum class its provenance names.
     */
    static final Set<String> ALLOWED_CLASSES = Set.of(
            "org.tribuo.classification.sgd.linear.LinearSGDModel",
            "org.tribuo.ImmutableFeatureMap",
            "org.tribuo.CategoricalIDInfo",
            "org.tribuo.RealIDInfo",
            "org.tribuo.classification.ImmutableLabelInfo",
            "org.tribuo.math.LinearParameters",
            "org.tribuo.math.la.DenseMatrix",
            "org.tribuo.math.util.NoopNormalizer",
            "org.tribuo.math.util.ExpNormalizer",
            "org.tribuo.provenance.ModelProvenance",
            "org.tribuo.provenance.DatasetProvenance",
            "org.tribuo.provenance.SimpleDataSourceProvenance",
            "org.tribuo.provenance.impl.TrainerProvenanceImpl",
            "org.tribuo.classification.LabelFactory$LabelFactoryProvenance",
            "org.tribuo.classification.sgd.linear.LinearSGDTrainer",
            "org.tribuo.classification.sgd.objectives.LogMulticlass",
            "org.tribuo.classification.sgd.objectives.Hinge",
            "org.tribuo.math.optimisers.AdaGrad",
            "org.tribuo.classification.LabelFactory",
            "org.tribuo.MutableDataset",
            "org.tribuo.DataSource",
            "com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance",
            "com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance");

    /** The payload types those classes pack into {@code google.protobuf.Any}, by type URL. */
    private static final Map<String, Descriptor> ANY_TYPES = Stream.of(
                    ClassificationLinearSGDProto.getDescriptor(), ImmutableFeatureMapProto.getDescriptor(),
                    CategoricalIDInfoProto.getDescriptor(), RealIDInfoProto.getDescriptor(),
                    ImmutableLabelInfoProto.getDescriptor(), LinearParametersProto.getDescriptor(),
                    DenseTensorProto.getDescriptor())
            .collect(Collectors.toUnmodifiableMap(d -> "type.googleapis.com/" + d.getFullName(), Function.identity()));

    /** Guards against stack exhaustion from crafted nesting; real models nest fewer than ten levels. */
    private static final int MAX_DEPTH = 64;

    private TribuoModelGuard() {
    }

    /** Refuses (IOException naming the bundle, the entry and the class or fault) a model naming a class outside the allowlist. */
    static void check(byte[] model, String where, String entry) throws IOException {
        try {
            walk(DynamicMessage.parseFrom(ModelProto.getDescriptor(), model), 0, where, entry);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(where + ": entry " + entry + " is not a Tribuo model: " + e.getMessage(), e);
        }
    }

    private static void walk(Message message, int depth, String where, String entry) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException(where + ": entry " + entry + " nests messages deeper than " + MAX_DEPTH);
        }
        Descriptor type = message.getDescriptorForType();
        if (type.getFullName().equals(Any.getDescriptor().getFullName())) {
            String url = (String) message.getField(type.findFieldByName("type_url"));
            Descriptor payload = ANY_TYPES.get(url);
            if (payload == null) {
                throw new IOException(where + ": entry " + entry + " holds a payload of unexpected type '" + url + "'");
            }
            ByteString value = (ByteString) message.getField(type.findFieldByName("value"));
            walk(DynamicMessage.parseFrom(payload, value), depth + 1, where, entry);
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> f : message.getAllFields().entrySet()) {
            FieldDescriptor field = f.getKey();
            List<?> values = field.isRepeated() ? (List<?>) f.getValue() : List.of(f.getValue());
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                for (Object v : values) {
                    walk((Message) v, depth + 1, where, entry);
                }
            } else if (field.getName().endsWith("class_name")) {
                for (Object v : values) {
                    if (!ALLOWED_CLASSES.contains(v)) {
                        throw new IOException(where + ": entry " + entry + " names class '" + v
                                + "', which a toxiscope classifier never contains; refusing to load it");
                    }
                }
            }
        }
    }
}
