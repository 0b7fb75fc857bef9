<#-- krunpack spec templates: shared macros. Data keys: see docs/specs.md ("Template data"). -->
<#-- A tag line with the value aligned at column 17, as Fedora's specs do. -->
<#function tag name value>
  <#return (name + ":")?right_pad(16) + value>
</#function>
<#macro lines list>
<#list list as l>
${l}
</#list>
</#macro>
<#-- Opens the conditionals a subpackage is built under (Fedora only, build condition, arches). -->
<#macro open s>
<#if s.fedoraOnly>
%if 0%{?fedora}
</#if>
<#if s.bcond?has_content>
%if %{with ${s.bcond}}
</#if>
<#if s.hasArches>
%ifarch ${s.arches}
</#if>
</#macro>
<#macro close s>
<#if s.hasArches>
%endif
</#if>
<#if s.bcond?has_content>
%endif
</#if>
<#if s.fedoraOnly>
%endif
</#if>
</#macro>
<#-- Build-condition declarations with their reasons. -->
<#macro bcondLines list=bconds>
<#list list as b>
<@lines b.comment/>
<@lines b.decl/>
</#list>
</#macro>
<#-- BuildRequires of the switches, each under its %if %{with NAME}. -->
<#macro switchBuildRequireLines>
<#list switches as w>
<#if w.buildRequires?has_content || w.crateBuildRequires?has_content>
%if %{with ${w.name}}
<#list w.buildRequires as b>
${tag("BuildRequires", b)}
</#list>
<#if w.crateBuildRequires?has_content>
%if %{with system_crates}
<#list w.crateBuildRequires as b>
${tag("BuildRequires", b)}
</#list>
%endif
</#if>
%endif
</#if>
</#list>
</#macro>
<#-- Crate BuildRequires of a subpackage's own build (libkrun-sev: make SEV=1), under its bcond and arches. -->
<#macro subpackageCrateLines>
<#list subpackages as s>
<#if s.crateBuildRequires?has_content>
%if %{with ${s.bcond}}
<#if s.hasArches>
%ifarch ${s.arches}
</#if>
%if %{with system_crates}
<#list s.crateBuildRequires as b>
${tag("BuildRequires", b)}
</#list>
%endif
<#if s.hasArches>
%endif
</#if>
%endif
</#if>
</#list>
</#macro>
<#-- SourceN lines, each with its comment lines above. -->
<#macro sourceLines>
<#list sources as s>
<@lines s.comment/>
${tag("Source" + s.index, s.url)}
</#list>
</#macro>
<#-- PatchN lines, each with its upstream status above. -->
<#macro patchLines>
<#list patches as p>
<@lines p.comment/>
${tag("Patch" + p.index, p.file)}
</#list>
</#macro>
<#macro buildRequireLines>
<#list buildRequires as b>
${tag("BuildRequires", b)}
</#list>
<#list archBuildRequires as a>
%ifarch ${a.arches}
<#list a.requires as b>
${tag("BuildRequires", b)}
</#list>
%endif
</#list>
</#macro>
<#-- Requires RPM cannot find (dlopen), each with its reason. -->
<#macro requireLines list isa>
<#list list as r>
<@lines r.comment/>
<#if isa>
${tag("Requires", r.name + "%{?_isa}" + r.version?has_content?then(" " + r.version, ""))}
<#else>
${tag("Requires", r.dep)}
</#if>
</#list>
</#macro>
<#-- %package header and %description of a subpackage; nested content goes between them. -->
<#macro package s>
%package ${s.name}
${tag("Summary", s.summary)}
<#nested>

%description ${s.name}
<@lines s.description/>
</#macro>
<#macro changelogSection>
%changelog
<#if autorelease>
%autochangelog
<#else>
<#list changelog as e>
${e.header}
<@lines e.lines/>
<#sep>

</#sep>
</#list>
</#if>
</#macro>
<#-- libkrunfw: what the project file decided about single release patches, applied in %prep
     after unpacking (upstream's Makefile applies every patches/0*.patch when it builds). -->
<#macro releasePatchLines>
<#list releasePatches as r>
<@lines r.comment/>
<#if r.action == "replace">
cp -p %{SOURCE${r.source}} patches/${r.patch}
<#elseif r.action == "exclude">
rm patches/${r.patch}
</#if>
</#list>
<#list ownPatches as o>
<#if o?is_first>
# krunpack's own kernel patches (krunpack.yaml patches.series) after the
# release's: upstream's Makefile applies patches/0*.patch in sorted order, and
# the 09NN- in front of each name sorts it after the release's own
</#if>
cp -p %{SOURCE${o.source}} \
  patches/${o.target}
</#list>
<#if configSource.present && !configSource.fragments>
%ifarch ${configSource.arch}
# Source${configSource.source} (krunpack.yaml's kernel configuration) stands in for the
# release's ${configSource.releaseFile}: see its comment
cp -p %{SOURCE${configSource.source}} ${configSource.releaseFile}
%endif
</#if>
</#macro>
<#-- libkrunfw: the project's kernel configuration given as fragments, resolved before the build
     of its variant (variant: "" generic, "sev", "tdx") the way the pipeline resolves it. -->
<#macro configResolve variant>
<#if configSource.present && configSource.fragments && configSource.variant == variant>
%ifarch ${configSource.arch}
# Source${configSource.source} (krunpack.yaml's kernel configuration) instead of the release's
# ${configSource.releaseFile}: upstream's recipe prepares the kernel tree
# (extract, patch, configure), then the kernel's own Kconfig resolves the
# fragments as krunpack's pipeline does (allnoconfig, KCONFIG_ALLCONFIG)
%{__make} KERNEL_VERSION=%{kernel}${configSource.makeFlag} %{kernel}
%{__make} -C %{kernel} KCONFIG_ALLCONFIG=%{SOURCE${configSource.source}} allnoconfig
%endif
</#if>
</#macro>
<#-- libkrunfw: before building another variant. Upstream's Makefile keeps the previous variant's
     patched kernel tree and generated C bundles and would link them into this one. -->
<#macro cleanVariant>
# Upstream's Makefile reuses an existing kernel tree and kernel.c (qboot.c,
# initrd.c): remove the previous variant's so this one gets its own kernel.
rm -rf %{kernel} kernel.c qboot.c initrd.c
</#macro>
<#-- Verbatim lines of a named slot (imported from a dist-git spec), written as they were. -->
<#macro extraLines slot>
<#list .data_model.extra[slot] as l>
${l}
</#list>
</#macro>
