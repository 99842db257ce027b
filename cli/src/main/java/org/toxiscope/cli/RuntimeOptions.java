package org.toxiscope.cli;

import ai.djl.Device;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Devices;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --device} and {@code --dtype} flags of every command that runs a model, benchmarks included. */
public final class RuntimeOptions {

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]",
            description = "Where the model runs (default: ${DEFAULT-VALUE}); gpu needs a CUDA libtorch (see README).")
    String device;

    @Option(names = "--dtype", defaultValue = ComputeDtype.AUTO, paramLabel = "auto|bf16|f32",
            converter = DtypeValue.class, description = ComputeDtype.FLAG_HELP)
    String dtype;

    /** {@code spec} on this device and in this dtype (auto left for the session to resolve). */
    SessionSpec applyTo(SessionSpec spec) {
        return spec.withDevice(device).withDtype(dtype);
    }

    /** {@code --device} as given ({@code cpu}, {@code gpu}, {@code gpu:N}). */
    public String deviceName() {
        return device;
    }

    public Device device() {
        return Devices.parse(device);
    }

    /** The dtype to load a model in without a session, auto decided for {@link #device()}; announce once loaded. */
    public ComputeDtype.Choice dtype() {
        return ComputeDtype.choose(dtype, device());
    }

    /** Refuses, as a bad command line, a --dtype other than auto, bf16 or f32. */
    public static final class DtypeValue implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return ComputeDtype.requireValid(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
