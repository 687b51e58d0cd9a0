// Real-user timings (README, Real users): one beacon per page view.
(function(d,v,s){
function w(t,f,o){try{new PerformanceObserver(function(l){l.getEntries().forEach(f)}).observe(Object.assign({type:t,buffered:!0},o))}catch(e){}}
w('largest-contentful-paint',function(e){v.lcp=e.startTime});
w('event',function(e){if(e.interactionId)v.inp=Math.max(v.inp,e.duration)},{durationThreshold:16});
w('layout-shift',function(e){if(!e.hadRecentInput)v.cls+=e.value});
function send(e){
if(s||(e.type!='pagehide'&&d.visibilityState!='hidden'))return;s=1;
var n=performance.getEntriesByType('navigation')[0]||{},c=navigator.connection||{};
navigator.sendBeacon('/__linkedall/rum',new URLSearchParams({u:location.pathname,n:c.effectiveType||'',
ttfb:n.responseStart|0,load:n.loadEventEnd|0,lcp:v.lcp|0,inp:v.inp|0,cls:v.cls.toFixed(3)}))}
addEventListener('visibilitychange',send);addEventListener('pagehide',send)
})(document,{lcp:0,inp:0,cls:0},0);
