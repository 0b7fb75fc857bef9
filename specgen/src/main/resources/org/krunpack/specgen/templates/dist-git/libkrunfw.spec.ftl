<#import "/common.ftl" as c>
${generatedBy}

# The library only carries a kernel image as data; there is nothing useful
# for a debuginfo package and the Makefile strips the result.
%global debug_package %{nil}

%global kernel linux-${kernel}
<#if packageBconds?has_content>

<@c.bcondLines packageBconds/>
</#if>

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

# ${arches.reason}
${c.tag("ExclusiveArch", arches.list)}

<@c.buildRequireLines/>
<@c.extraLines "preamble"/>

%description
<@c.lines description/>

<@c.package sub["devel"]>
${c.tag("Requires", "%{name}%{?_isa} = %{version}-%{release}")}
</@c.package>

%ifarch x86_64
<@c.package sub["sev"]/>

<@c.package sub["sev-devel"]>
${c.tag("Requires", "%{name}-sev%{?_isa} = %{version}-%{release}")}
</@c.package>
%endif

%prep
<#if patches?has_content>
%autosetup -p1
<#else>
%setup -q
</#if>
<@c.releasePatchLines/>
mkdir tarballs
cp %{SOURCE1} tarballs/
<@c.extraLines "prep"/>

%build
<@c.configResolve ""/>
%make_build KERNEL_VERSION=%{kernel}
%ifarch x86_64
<@c.cleanVariant/>
<@c.configResolve "sev"/>
%make_build KERNEL_VERSION=%{kernel} SEV=1
%make_build -C utils
%endif
<@c.extraLines "build"/>

%install
%make_install PREFIX=%{_prefix}
%ifarch x86_64
%make_install PREFIX=%{_prefix} SEV=1
install -D -p -m 0755 utils/krunfw_measurement \
  %{buildroot}%{_bindir}/krunfw_measurement
%endif
<@c.extraLines "install"/>

%files
<#list docFiles as f>
%doc ${f}
</#list>
%{_libdir}/libkrunfw.so.${abi}
%{_libdir}/libkrunfw.so.%{version}

%files devel
%{_libdir}/libkrunfw.so

%ifarch x86_64
%files sev
%{_libdir}/libkrunfw-sev.so.${abi}
%{_libdir}/libkrunfw-sev.so.%{version}
%{_bindir}/krunfw_measurement

%files sev-devel
%{_libdir}/libkrunfw-sev.so
%endif

<@c.changelogSection/>
