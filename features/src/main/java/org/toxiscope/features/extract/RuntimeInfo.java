package org.toxiscope.features.extract;

import ai.djl.engine.Engine;
import org.toxiscope.common.Versions;

/**
 * The software and device that computed a result: toxiscope, Java, OS/arch, DJL and the engine (libtorch) versions,
 * and the device; recorded beside the session settings so a result says what reproduces it.
 */
public record RuntimeInfo(String toxiscope, String java, String os, String djl, String engine, String device) {

    /** The running process's versions, for work done on {@code device}. */
    public static RuntimeInfo of(String device) {
        Engine engine = Engine.getInstance();
        return new RuntimeInfo(Versions.toxiscope(), Versions.java(), Versions.os(), Engine.getDjlVersion(),
                engine.getEngineName() + " " + engine.getVersion(), device);
    }
}
