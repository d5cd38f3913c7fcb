import type { StaffProfile } from '@member-ops/shared';
import { useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import { api, clearSession, savedSession, setUnauthenticatedHandler } from './api';
import { ConsoleLayout } from './components/ConsoleLayout';
import { AuditPage } from './pages/AuditPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { ContactsPage } from './pages/ContactsPage';
import { DashboardPage } from './pages/DashboardPage';
import { FollowupsPage } from './pages/FollowupsPage';
import { LoginPage } from './pages/LoginPage';
import { Member360Page } from './pages/Member360Page';
import { MembersPage } from './pages/MembersPage';
import { RepsPage } from './pages/RepsPage';
import { RulesPage } from './pages/RulesPage';
import { SegmentsPage } from './pages/SegmentsPage';
import { StaffPage } from './pages/StaffPage';
import { SessionContext, canOpen, type Session } from './session';

/** Where each role lands after signing in. */
const HOME: Record<StaffProfile['role'], string> = {
  admin: '/dashboard',
  operator: '/dashboard',
  store_staff: '/members',
  sales_rep: '/contacts',
};

export function ConsoleApp() {
  const navigate = useNavigate();
  const [staff, setStaff] = useState<StaffProfile | null>(() => savedSession()?.staff ?? null);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setStaff(null);
      navigate('/login');
    });
  }, [navigate]);

  const session = useMemo<Session | null>(
    () =>
      staff && {
        staff,
        signOut: () => {
          void api('POST', '/staff/logout').catch(() => undefined);
          clearSession();
          setStaff(null);
          navigate('/login');
        },
      },
    [staff, navigate],
  );

  if (!session) {
    return (
      <Routes>
        <Route
          path="*"
          element={
            <LoginPage
              onSignedIn={(profile) => {
                setStaff(profile);
                navigate(HOME[profile.role]);
              }}
            />
          }
        />
      </Routes>
    );
  }
  const role = session.staff.role;
  return (
    <SessionContext.Provider value={session}>
      <ConsoleLayout>
        <Routes>
          {canOpen(role, 'dashboard') && <Route path="/dashboard" element={<DashboardPage />} />}
          <Route path="/members" element={<MembersPage />} />
          <Route path="/members/:memberId" element={<Member360Page />} />
          {canOpen(role, 'segments') && <Route path="/segments" element={<SegmentsPage />} />}
          {canOpen(role, 'rules') && <Route path="/rules" element={<RulesPage />} />}
          <Route path="/campaigns/*" element={<CampaignsPage />} />
          {canOpen(role, 'contacts') && <Route path="/contacts" element={<ContactsPage />} />}
          {canOpen(role, 'followups') && <Route path="/followups" element={<FollowupsPage />} />}
          {canOpen(role, 'reps') && <Route path="/reps" element={<RepsPage />} />}
          {canOpen(role, 'staff') && <Route path="/staff" element={<StaffPage />} />}
          {canOpen(role, 'audit') && <Route path="/audit" element={<AuditPage />} />}
          <Route path="*" element={<Navigate to={HOME[role]} replace />} />
        </Routes>
      </ConsoleLayout>
    </SessionContext.Provider>
  );
}
