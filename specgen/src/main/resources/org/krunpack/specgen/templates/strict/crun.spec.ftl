<#import "/common.ftl" as c>
${generatedBy}

<@c.bcondLines/>

${c.tag("Name", name)}
${c.tag("Version", version)}
${c.tag("Release", release)}
${c.tag("Summary", summary)}
${c.tag("License", license)}
${c.tag("URL", url)}
<@c.sourceLines/>
<#if patches?has_content>

<@c.patchLines/>
</#if>
<#if arches.restricted>

<@c.lines arches.comment/>
${c.tag("ExclusiveArch", arches.list)}
</#if>

<@c.buildRequireLines/>
<@c.switchBuildRequireLines/>

# podman and containers-common require an OCI runtime by this name
${c.tag("Provides", "oci-runtime")}
<#if switch?keys?seq_contains("criu")>
%if %{with criu}
# checkpoint/restore calls libcriu, which runs the criu tool
${c.tag("Recommends", "criu%{?_isa} >= 3.17.1")}
${c.tag("Recommends", "criu-libs%{?_isa}")}
%endif
</#if>

%description
<@c.lines description/>
<#list subpackages as s>

<@c.open s/>
<@c.package s>
<@c.requireLines s.requires true/>
${c.tag("Requires", "%{name}%{?_isa} = %{?epoch:%{epoch}:}%{version}-%{release}")}
<#if s.name == "krun">
${c.tag("Provides", "krun = %{?epoch:%{epoch}:}%{version}-%{release}")}
<#elseif s.name == "wasm">
${c.tag("Recommends", "wasmedge%{?_isa}")}
</#if>
</@c.package>
<@c.close s/>
</#list>

%prep
%autosetup -p1

%build
# What upstream's autogen.sh does, without its 'git submodule update', which
# would act on any git repository around the build directory.
autoreconf -fi
%configure --disable-silent-rules \
  %{?with_krun:--with-libkrun} \
  %{?with_wasm:--with-wasmedge} \
  %{!?with_criu:--disable-criu}
%make_build

%install
# make install also links krun and crun-wasm to crun when configured for them
%make_install
# crun links its own libcrun statically; no library or headers are shipped
rm -f %{buildroot}%{_libdir}/libcrun.a %{buildroot}%{_libdir}/libcrun.la

%check
# crun's test suite creates containers, which needs root, cgroups and user
# namespaces that the build environment does not grant. Instead: the binary
# runs (with its state directory in the build tree) and reports the features
# this build was configured with.
%{buildroot}%{_bindir}/crun --root "$PWD/check-state" --version > version.txt
cat version.txt
%if %{with krun}
grep -q -e +LIBKRUN version.txt
%endif

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#list docFiles as f>
%doc ${f}
</#list>
%{_bindir}/crun
%{_mandir}/man1/crun.1*
<#if sub?keys?seq_contains("krun")>

<@c.open sub["krun"]/>
%files krun
<#list licenseFiles as f>
%license ${f}
</#list>
%{_bindir}/krun
%{_mandir}/man1/krun.1*
<@c.close sub["krun"]/>
</#if>
<#if sub?keys?seq_contains("wasm")>

<@c.open sub["wasm"]/>
%files wasm
<#list licenseFiles as f>
%license ${f}
</#list>
%{_bindir}/crun-wasm
<@c.close sub["wasm"]/>
</#if>

<@c.changelogSection/>
