<#import "/common.ftl" as c>
${generatedBy}

%global abi ${abi}

<@c.bcondLines/>
# --with check: the tests start VMs and need /dev/kvm, which builders lack
%bcond_with check

${c.tag("Name", name)}
${c.tag("Version", version)}
${c.tag("Release", release)}
${c.tag("Summary", summary)}
# ${ownLicense}: libkrun itself; the rest: the crates it links statically
<#if systemCrates>
# (LICENSE.dependencies in the package lists them crate by crate)
</#if>
<@c.lines unknownCrateLicenses/>
${c.tag("License", license)}
${c.tag("URL", url)}
<@c.sourceLines/>
<#if patches?has_content>

<@c.patchLines/>
</#if>

<@c.lines arches.comment/>
${c.tag("ExclusiveArch", arches.list)}

<@c.buildRequireLines/>
<@c.switchBuildRequireLines/>
<@c.subpackageCrateLines/>

<@c.requireLines requires true/>
<#if systemCrates && crates?has_content>
%if %{without system_crates}
</#if>
<#list crates as k>
${c.tag("Provides", "bundled(crate(" + k.name + ")) = " + k.version)}
</#list>
<#if systemCrates && crates?has_content>
%endif
</#if>

%description
<@c.lines description/>

<@c.package sub["devel"]>
${c.tag("Requires", "%{name}%{?_isa} = %{version}-%{release}")}
</@c.package>

<@c.open sub["sev"]/>
<@c.package sub["sev"]>
<@c.requireLines sub["sev"].requires true/>
</@c.package>
<@c.close sub["sev"]/>

%prep
%autosetup -p1
<#if systemCrates>
# Sources are never conditional; only their use is: --without system_crates
# (RHEL's default) takes the vendored crates from Source1, --with system_crates
# (Fedora's) takes Fedora's crate packages.
%if %{without system_crates}
tar -xf %{SOURCE1}
%cargo_prep -v vendor
%else
%cargo_prep
%endif
<#else>
# Sources are never conditional; only their use is: RHEL builds take the
# vendored crates from Source1, Fedora builds take Fedora's crate packages.
%if 0%{?rhel}
tar -xf %{SOURCE1}
%cargo_prep -v vendor
%else
%cargo_prep
%endif
</#if>

%build
%make_build %{?with_blk:BLK=1} %{?with_net:NET=1} \
  %{?with_gpu:GPU=1} %{?with_snd:SND=1}
<@c.open sub["sev"]/>
%make_build SEV=1
<@c.close sub["sev"]/>
<#if systemCrates>
# The crates linked in, licence by licence, for License and LICENSE.dependencies
%cargo_license_summary
%{cargo_license} > LICENSE.dependencies
%if %{without system_crates}
%cargo_vendor_manifest
%endif
</#if>

%install
%make_install PREFIX=%{_prefix}
<@c.open sub["sev"]/>
%make_install PREFIX=%{_prefix} SEV=1
<@c.close sub["sev"]/>

%check
%if %{with check}
%cargo_test
%else
# Tests are off by default: they start VMs and need /dev/kvm (see above).
: tests skipped, build --with check on a host with /dev/kvm
%endif

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#if systemCrates>
%license LICENSE.dependencies
%if %{without system_crates}
%license cargo-vendor.txt
%endif
</#if>
<#list docFiles as f>
%doc ${f}
</#list>
%{_libdir}/libkrun.so.%{abi}
%{_libdir}/libkrun.so.%{version}

%files devel
%{_includedir}/libkrun.h
%{_includedir}/libkrun_display.h
%{_includedir}/libkrun_input.h
%{_libdir}/libkrun.so
%{_libdir}/pkgconfig/libkrun.pc

<@c.open sub["sev"]/>
%files sev
<#list licenseFiles as f>
%license ${f}
</#list>
%{_libdir}/libkrun-sev.so.%{abi}
%{_libdir}/libkrun-sev.so.%{version}
<@c.close sub["sev"]/>

<@c.changelogSection/>
