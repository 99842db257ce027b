package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Parses a {@code --device} value ({@code cpu}, {@code gpu}, {@code gpu:N}) into a DJL device the engine really has. */
public final class Devices {

    private Devices() {
    }

    /** The device {@code spec} names; {@code gpu} is GPU 0. Throws when the engine sees no such GPU. */
    public static Device parse(String spec) {
        if (spec.equals("cpu")) {
            return Device.cpu();
        }
        if (spec.equals("gpu") || spec.startsWith("gpu:")) {
            int gpus = Engine.getInstance().getGpuCount();
            int id;
            try {
                id = spec.equals("gpu") ? 0 : Integer.parseInt(spec.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--device must be cpu, gpu or gpu:N, not '" + spec + "'");
            }
            if (id >= gpus) {
                throw new IllegalArgumentException("--device " + spec + ": DJL finds " + gpus + " GPU(s) with the "
                        + Engine.getInstance().getEngineName() + " engine (a CUDA build of libtorch is needed: set "
                        + "PYTORCH_LIBRARY_PATH or allow DJL to download it, see README 'On a GPU')");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("--device must be cpu, gpu or gpu:N, not '" + spec + "'");
    }
}
