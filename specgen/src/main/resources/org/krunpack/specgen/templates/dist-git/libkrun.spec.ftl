<#import "/common.ftl" as c>
${generatedBy}

<@c.bcondLines/>
%bcond_with check

${c.tag("Name", name)}
${c.tag("Version", version)}
${c.tag("Release", release)}
${c.tag("Summary", summary)}
${c.tag("License", license)}
${c.tag("URL", url)}
${c.tag("Source0", sources[0].url)}
%if 0%{?rhel}
${c.tag("Source1", sources[1].url)}
%endif
<#if patches?has_content>

<@c.patchLines/>
</#if>

# ${arches.reason}
${c.tag("ExclusiveArch", arches.list)}

<@c.buildRequireLines/>
<@c.switchBuildRequireLines/>
<@c.subpackageCrateLines/>

<@c.requireLines requires false/>

%description
<@c.lines description/>

<@c.package sub["devel"]>
${c.tag("Requires", "%{name}%{?_isa} = %{version}-%{release}")}
</@c.package>

%if %{with sev}
<@c.package sub["sev"]>
<@c.requireLines sub["sev"].requires false/>
</@c.package>
%endif

%prep
%autosetup -p1
%if 0%{?rhel}
tar -xf %{SOURCE1}
%cargo_prep -v vendor
%else
%cargo_prep
%endif

%build
%make_build %{?with_blk:BLK=1} %{?with_net:NET=1} \
  %{?with_gpu:GPU=1} %{?with_snd:SND=1}
%if %{with sev}
%make_build SEV=1
%endif

%install
%make_install PREFIX=%{_prefix}
%if %{with sev}
%make_install PREFIX=%{_prefix} SEV=1
%endif

%if %{with check}
%check
%cargo_test
%endif

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#list docFiles as f>
%doc ${f}
</#list>
%{_libdir}/libkrun.so.${abi}
%{_libdir}/libkrun.so.%{version}

%files devel
%{_includedir}/libkrun.h
%{_includedir}/libkrun_display.h
%{_includedir}/libkrun_input.h
%{_libdir}/libkrun.so
%{_libdir}/pkgconfig/libkrun.pc

%if %{with sev}
%files sev
%{_libdir}/libkrun-sev.so.${abi}
%{_libdir}/libkrun-sev.so.%{version}
%endif

<@c.changelogSection/>
