package org.krunpack.specgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The packaging model: the packages krunpack generates specs for, in model order. */
public record PackagingModel(List<PackageModel> packages) {
    public PackagingModel {
        packages = List.copyOf(packages);
    }

    public Optional<PackageModel> find(String name) {
        return packages.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public PackageModel get(String name) {
        return find(name).orElseThrow(() -> new ModelException("packaging model",
                List.of("packages." + name + ": no such package (known: " + names() + ")")));
    }

    public List<String> names() {
        return packages.stream().map(PackageModel::name).toList();
    }

    /** A copy with package {@code name} replaced by {@code edit}'s result. */
    public PackagingModel with(String name, UnaryOperator<PackageModel> edit) {
        get(name);
        List<PackageModel> out = new ArrayList<>();
        for (PackageModel p : packages) {
            out.add(p.name().equals(name) ? edit.apply(p) : p);
        }
        return new PackagingModel(out);
    }
}
