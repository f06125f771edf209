; Fedshare's Windows installer (NSIS 3). Built by `make windows`:
;
;   makensis -DVERSION=0.1.0 -DSRC=<folder with the .exe files> -DROOT=<repository> \
;            -DOUTFILE=<...>\Fedshare-0.1.0-setup.exe packaging/windows/fedshare.nsi
;
; Why a script of our own: Tauri's NSIS bundler downloads helper files at bundle time, which
; the build machines cannot reach; this script needs only Debian's nsis package.
;
; - Per-user by default, without administrator rights (%LOCALAPPDATA%\Programs\Fedshare, HKCU);
;   per-machine (%ProgramFiles%\Fedshare, HKLM) when chosen on the first page or with /ALLUSERS,
;   from an installer started as administrator.
; - Start menu entry, the uninstaller in Apps & features, `fedshare` (the CLI) on PATH optionally.
; - WebView2: Windows 10/11 ship it; Windows Server 2016/2019 may not. The installer looks for
;   the Evergreen runtime and, when it is missing, says how to get it (the CLI needs none).
; - Silent: `Fedshare-<version>-setup.exe /S [/ALLUSERS] [/NOPATH]`.

Unicode true
; 32-bit like every NSIS installer (`file` and antivirus tools know this stub); it installs the
; 64-bit program, and SetRegView 64 writes the 64-bit registry.
Target x86-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!ifndef VERSION
  !error "pass -DVERSION=<version from tauri.conf.json>"
!endif
!ifndef SRC
  !error "pass -DSRC=<folder holding fedshare-app.exe, fedshare.exe and WebView2Loader.dll>"
!endif
!ifndef ROOT
  !error "pass -DROOT=<the repository>"
!endif
!ifndef OUTFILE
  !define OUTFILE "Fedshare-${VERSION}-setup.exe"
!endif

!define PRODUCT "Fedshare"
!define PUBLISHER "Fedshare team"
!define IDENTIFIER "io.fedshare.desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
; The WebView2 Evergreen runtime's client id (documented by Microsoft for runtime detection).
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://developer.microsoft.com/microsoft-edge/webview2/"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include nsDialogs.nsh
!include StrFunc.nsh
!include x64.nsh
${StrStr}
${UnStrRep}

Name "${PRODUCT}"
OutFile "${OUTFILE}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${PRODUCT} ${VERSION} setup"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT license"

!define MUI_ICON "${ROOT}\icons\icon.ico"
!define MUI_UNICON "${ROOT}\icons\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\fedshare-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${PRODUCT}"

Var AllUsers      ; 1: per machine
Var ModeDialog
Var ModeUser
Var ModeMachine

Page custom ModePage ModePageLeave
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function IsAdmin
  ; Pushes 1 when this process runs elevated (per-machine needs it), else 0.
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 == "Admin"
    Push 1
  ${Else}
    Push 0
  ${EndIf}
FunctionEnd

Function UseMode
  ${If} $AllUsers == 1
    SetShellVarContext all
    StrCpy $INSTDIR "$PROGRAMFILES64\${PRODUCT}"
  ${Else}
    SetShellVarContext current
    StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${PRODUCT}"
  ${EndIf}
FunctionEnd

Function ModePage
  !insertmacro MUI_HEADER_TEXT "Installation scope" "Install ${PRODUCT} for yourself, or for everyone on this computer."
  nsDialogs::Create 1018
  Pop $ModeDialog
  ${NSD_CreateRadioButton} 0 10u 100% 12u "Just for me (no administrator rights needed)"
  Pop $ModeUser
  ${NSD_CreateRadioButton} 0 30u 100% 12u "For all users of this computer (start the installer as administrator)"
  Pop $ModeMachine
  ${If} $AllUsers == 1
    ${NSD_Check} $ModeMachine
  ${Else}
    ${NSD_Check} $ModeUser
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ModePageLeave
  ${NSD_GetState} $ModeMachine $0
  ${If} $0 == ${BST_CHECKED}
    Call IsAdmin
    Pop $1
    ${If} $1 != 1
      MessageBox MB_ICONEXCLAMATION "Installing for all users needs administrator rights. Close this installer and start it again with 'Run as administrator', or choose 'Just for me'."
      Abort
    ${EndIf}
    StrCpy $AllUsers 1
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
  Call UseMode
FunctionEnd

Function CheckWebView2
  ; Either the machine-wide (32-bit view on 64-bit Windows) or the per-user runtime will do.
  SetRegView 32
  ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_CLIENT}" "pv"
  SetRegView 64
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "Microsoft Edge WebView2 Runtime: not found"
    MessageBox MB_ICONINFORMATION "The ${PRODUCT} window needs the Microsoft Edge WebView2 Runtime, which this computer does not have (Windows Server 2016 and 2019 do not include it).$\r$\n$\r$\nInstall the Evergreen runtime from ${WEBVIEW2_URL} (or ask for it through your software deployment), then open ${PRODUCT}. The fedshare command-line tool works without it." /SD IDOK
  ${Else}
    DetailPrint "Microsoft Edge WebView2 Runtime: $0"
  ${EndIf}
FunctionEnd

Section "${PRODUCT} (desktop app and command-line tool)" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${SRC}\fedshare-app.exe"
  ; The GNU build loads WebView2 through this DLL, which must sit next to the app.
  File "${SRC}\WebView2Loader.dll"
  SetOutPath "$INSTDIR\bin"
  File "${SRC}\fedshare.exe"
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  ${If} $AllUsers == 1
    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\fedshare-app.exe"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS'
    WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS /S'
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${Else}
    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\fedshare-app.exe"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
    WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${EndIf}
  Call CheckWebView2
SectionEnd

Section "Start menu entry" SecStartMenu
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\fedshare-app.exe" "" "$INSTDIR\fedshare-app.exe" 0
SectionEnd

; Appends $INSTDIR\bin to the user's (or, per machine, the system's) Path. NSIS strings hold
; 1024 characters: a longer Path is left alone rather than written back cut short.
Section "Add the fedshare command to PATH" SecPath
  ${If} $AllUsers == 1
    ReadRegStr $0 HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment" "Path"
  ${Else}
    ReadRegStr $0 HKCU "Environment" "Path"
  ${EndIf}
  StrLen $1 $0
  ${If} $1 > 900
    DetailPrint "PATH is too long to change safely; add $INSTDIR\bin to it by hand"
    MessageBox MB_ICONINFORMATION "Your PATH is too long for the installer to change safely. To use fedshare from any prompt, add $INSTDIR\bin to PATH by hand." /SD IDOK
    Goto done
  ${EndIf}
  ${StrStr} $2 ";$0;" ";$INSTDIR\bin;"
  ${If} $2 != ""
    Goto done
  ${EndIf}
  ${If} $0 == ""
    StrCpy $0 "$INSTDIR\bin"
  ${Else}
    StrCpy $0 "$0;$INSTDIR\bin"
  ${EndIf}
  ${If} $AllUsers == 1
    WriteRegExpandStr HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment" "Path" $0
  ${Else}
    WriteRegExpandStr HKCU "Environment" "Path" $0
  ${EndIf}
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  done:
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "The desktop app (fedshare-app.exe) and the fedshare command-line tool."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecStartMenu} "A ${PRODUCT} entry in the Start menu."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecPath} "Lets you type fedshare in any new command prompt or PowerShell window."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; After the sections: it unselects ${SecPath} for /NOPATH.
Function .onInit
  SetRegView 64
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    Call IsAdmin
    Pop $R2
    ${If} $R2 != 1
      MessageBox MB_ICONSTOP "Installing for all users needs administrator rights: start the installer as administrator, or install for yourself only (without /ALLUSERS)." /SD IDOK
      SetErrorLevel 740
      Quit
    ${EndIf}
    StrCpy $AllUsers 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOPATH" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecPath} 0
  ${EndIf}
  Call UseMode
FunctionEnd

Function un.onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${If} ${Errors}
    StrCpy $AllUsers 0
    SetShellVarContext current
  ${Else}
    StrCpy $AllUsers 1
    SetShellVarContext all
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$INSTDIR\bin\fedshare.exe"
  RMDir "$INSTDIR\bin"
  Delete "$INSTDIR\fedshare-app.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ${If} $AllUsers == 1
    ReadRegStr $0 HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment" "Path"
  ${Else}
    ReadRegStr $0 HKCU "Environment" "Path"
  ${EndIf}
  ; A Path longer than NSIS can hold was read cut short: never written back.
  StrLen $2 $0
  ${If} $2 > 1000
    StrCpy $0 ""
  ${EndIf}
  ${UnStrRep} $1 $0 ";$INSTDIR\bin" ""
  ${UnStrRep} $1 $1 "$INSTDIR\bin" ""
  ${If} $1 != $0
    ${If} $AllUsers == 1
      WriteRegExpandStr HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment" "Path" $1
    ${Else}
      WriteRegExpandStr HKCU "Environment" "Path" $1
    ${EndIf}
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
  ${If} $AllUsers == 1
    DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ${Else}
    DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ${EndIf}
  ; Profiles, journals and the lab under %APPDATA%\${IDENTIFIER} are the user's data: kept.
SectionEnd
